/**
 * Figure 3: calls per second over one stdio connection at several concurrencies, against
 * direct API requests at the same concurrency (and the bare-SDK floor server, for what the
 * SDK and stdio alone allow). Runs rotate which side goes first.
 */
import { pool } from './lib/mcp.mjs';
import { summary } from './lib/stats.mjs';

const ORDERS = [
  ['mcp', 'floor', 'direct'],
  ['direct', 'mcp', 'floor'],
  ['floor', 'direct', 'mcp'],
];

export async function throughput(ctx, plan) {
  const fns = { mcp: ctx.callMcp, floor: ctx.callFloor, direct: ctx.callDirect };
  const figures = [];
  for (const concurrency of plan.concurrencies) {
    const rate = { mcp: [], floor: [], direct: [] };
    for (let run = 0; run < plan.throughputRuns; run++) {
      for (const side of ORDERS[run % ORDERS.length]) {
        const ms = await pool(plan.throughputCalls, concurrency, fns[side]);
        rate[side].push((plan.throughputCalls / ms) * 1000);
      }
    }
    const ratio = summary(rate.mcp.map((v, i) => v / rate.direct[i]));
    const targeted = concurrency === 16;
    figures.push({
      id: `throughput_c${concurrency}`,
      figure: `3. Throughput at concurrency ${concurrency}`,
      unit: 'calls/s',
      whatalo: summary(rate.mcp),
      baseline: summary(rate.direct),
      ratio,
      target: targeted ? { kind: 'ratio', min: 0.6, text: 'ratio ≥ 0.6' } : { kind: 'info', text: 'reported' },
      met: targeted ? ratio.median >= 0.6 : null,
      detail: {
        calls_per_run: plan.throughputCalls,
        runs: plan.throughputRuns,
        floor: summary(rate.floor),
        floor_ratio: summary(rate.floor.map((v, i) => v / rate.direct[i])),
      },
    });
  }
  return figures;
}
