/**
 * Figure 1 (cold start) and figure 5a (RSS after initialize): spawn → initialize answered
 * → tools/list answered, whatalo-mcp against the bare SDK server, in pairs whose order
 * alternates so drift on a noisy machine hits both sides alike.
 */
import { openSession } from './lib/mcp.mjs';
import { baselineServer, whataloServer } from './lib/servers.mjs';
import { summary } from './lib/stats.mjs';

async function once(spec) {
  const session = await openSession(spec);
  try {
    return { initMs: session.initMs, listMs: session.listMs, rss: session.rssAfterInit, tools: session.tools.length };
  } finally {
    await session.close();
  }
}

export async function coldStart(ctx, plan) {
  const base = baselineServer();
  const ours = whataloServer(ctx.sandbox);
  // One untimed pair first: the page cache, not the code, would otherwise decide run 1.
  await once(base);
  await once(ours);
  const runs = { baseline: [], whatalo: [] };
  for (let i = 0; i < plan.coldRuns; i++) {
    const order = i % 2 === 0 ? ['baseline', 'whatalo'] : ['whatalo', 'baseline'];
    for (const side of order) runs[side].push(await once(side === 'baseline' ? base : ours));
  }
  const pick = (side, key) => runs[side].map((r) => r[key]);
  const pairRatios = (key) => runs.whatalo.map((r, i) => r[key] / runs.baseline[i][key]);

  const listRatio = summary(pairRatios('listMs'));
  const rssRatio = summary(pairRatios('rss'));
  return [
    {
      id: 'cold_start',
      figure: '1. Cold start: spawn → initialize → tools/list',
      unit: 'ms',
      whatalo: summary(pick('whatalo', 'listMs')),
      baseline: summary(pick('baseline', 'listMs')),
      ratio: listRatio,
      target: { kind: 'ratio', max: 1.1, text: 'ratio ≤ 1.10' },
      met: listRatio.median <= 1.1,
      detail: {
        initialize_ms: { whatalo: summary(pick('whatalo', 'initMs')), baseline: summary(pick('baseline', 'initMs')), ratio: summary(pairRatios('initMs')) },
        tools: runs.whatalo[0]?.tools,
        pairs: plan.coldRuns,
      },
    },
    {
      id: 'rss_after_initialize',
      figure: '5a. Memory: RSS after initialize',
      unit: 'MB',
      whatalo: summary(pick('whatalo', 'rss').map((b) => b / 2 ** 20)),
      baseline: summary(pick('baseline', 'rss').map((b) => b / 2 ** 20)),
      ratio: rssRatio,
      target: { kind: 'ratio', max: 1.1, text: 'ratio ≤ 1.10' },
      met: rssRatio.median <= 1.1,
      detail: { source: '/proc/<pid>/status VmRSS, read as initialize is answered' },
    },
  ];
}
