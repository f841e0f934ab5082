/**
 * Figure 5b: RSS growth over many calls on one connection, for a fresh whatalo-mcp and a
 * fresh bare SDK server (its echo tool) side by side.
 *
 * RSS under load is a sawtooth: V8 grows its heap until a major GC, then RSS drops back,
 * by ±10 % on the bare server alone. So a leak is judged by the envelope: after a warm-up
 * that lets the heap reach its working size, the highest RSS seen in the second half of
 * the run against the highest in the first half. A leak raises the envelope; GC does not.
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
    return { after_initialize: +(session.rssAfterInit / MB).toFixed(1), ...envelope(samples) };
  } finally {
    await session.close();
  }
}

/** The RSS envelope of `samples` (bytes; the first is taken after the warm-up): second-half peak ÷ first-half peak. */
export function envelope(samples) {
  const half = Math.ceil(samples.length / 2);
  const firstPeak = Math.max(...samples.slice(0, half));
  const secondPeak = Math.max(...samples.slice(half));
  return {
    after_warmup: +(samples[0] / MB).toFixed(1),
    peak_first_half: +(firstPeak / MB).toFixed(1),
    peak_second_half: +(secondPeak / MB).toFixed(1),
    growth: secondPeak / firstPeak - 1,
    samples_mb: samples.map((v) => +(v / MB).toFixed(1)),
  };
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
      detail: {
        method: 'peak RSS of the second half of the run ÷ peak RSS of the first half, after a warm-up',
        peak_under_load_ratio: +(Math.max(ours.peak_first_half, ours.peak_second_half) / Math.max(base.peak_first_half, base.peak_second_half)).toFixed(2),
        whatalo: ours,
        baseline: base,
        concurrency: CONCURRENCY,
        warmup_calls: plan.memoryWarmup,
      },
    },
  ];
}
