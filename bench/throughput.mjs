/**
 * Figure 3: calls per second over one stdio connection at several concurrencies, against the
 * bare-SDK floor server at the same concurrency in the same run (what the SDK and stdio alone
 * allow for one forwarding tool), with direct API requests alongside. Runs rotate which side
 * goes first.
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
    // The floor is the yardstick: what the same SDK and stdio allow for one forwarding tool.
    const ratio = summary(rate.mcp.map((v, i) => v / rate.floor[i]));
    figures.push({
      id: `throughput_c${concurrency}`,
      figure: `3. Throughput at concurrency ${concurrency} (vs the floor server)`,
      unit: 'calls/s',
      whatalo: summary(rate.mcp),
      baseline: summary(rate.floor),
      ratio,
      target: { kind: 'ratio', min: 0.95, text: 'ratio ≥ 0.95' },
      met: ratio.median >= 0.95,
      detail: {
        calls_per_run: plan.throughputCalls,
        runs: plan.throughputRuns,
        direct: summary(rate.direct),
        direct_ratio: summary(rate.mcp.map((v, i) => v / rate.direct[i])),
        floor_direct_ratio: summary(rate.floor.map((v, i) => v / rate.direct[i])),
      },
    });
  }
  return figures;
}
