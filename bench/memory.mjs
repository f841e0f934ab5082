/**
 * Figure 5b: RSS growth over many calls on one connection, for a fresh whatalo-mcp and a
 * fresh bare SDK server (its echo tool) side by side. Growth is measured from the RSS after
 * a warm-up to the RSS after the run, so one-off lazy loading is not counted as a leak.
 */
import { callTool, openSession, pool } from './lib/mcp.mjs';
import { rssOf } from './lib/proc.mjs';
import { baselineServer, whataloServer } from './lib/servers.mjs';

const MB = 2 ** 20;
const CONCURRENCY = 16;

async function growth(spec, makeCall, plan) {
  const session = await openSession(spec);
  try {
    const call = makeCall(session);
    await pool(plan.memoryWarmup, CONCURRENCY, call);
    const start = rssOf(session.pid);
    const samples = [start];
    const step = Math.ceil(plan.memoryCalls / 10);
    for (let done = 0; done < plan.memoryCalls; done += step) {
      await pool(Math.min(step, plan.memoryCalls - done), CONCURRENCY, call);
      samples.push(rssOf(session.pid));
    }
    const end = samples.at(-1);
    return { start: start / MB, end: end / MB, peak: Math.max(...samples) / MB, growth: end / start - 1, samples: samples.map((s) => +(s / MB).toFixed(1)) };
  } finally {
    await session.close();
  }
}

export async function memory(ctx, plan) {
  const base = await growth(baselineServer(), (s) => () => callTool(s, 'echo', { text: 'hello' }), plan);
  const ours = await growth(whataloServer(ctx.sandbox), ctx.callerFor, plan);
  const pct = (g) => ({ median: g * 100, min: g * 100, max: g * 100, runs: 1 });
  return [
    {
      id: 'rss_growth',
      figure: `5b. Memory: RSS growth over ${plan.memoryCalls.toLocaleString('en')} calls`,
      unit: '%',
      whatalo: pct(ours.growth),
      baseline: pct(base.growth),
      target: { kind: 'growth', max: 10, text: 'growth ≤ 10 %' },
      met: ours.growth <= 0.1,
      detail: { whatalo: ours, baseline: base, concurrency: CONCURRENCY, warmup_calls: plan.memoryWarmup },
    },
  ];
}
