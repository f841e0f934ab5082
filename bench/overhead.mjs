/**
 * Figure 2: latency the server adds to one get_product call. One call per side (whatalo,
 * the bare-SDK floor, direct) in turn, the order cycling through every permutation so no
 * side always runs first, in blocks; each block gives p50 and p99 per side, and the added
 * latency is the difference of those quantiles. Reported: median over blocks, min–max.
 */
import { quantile, summary } from './lib/stats.mjs';

const ORDERS = [
  ['mcp', 'floor', 'direct'],
  ['direct', 'mcp', 'floor'],
  ['floor', 'direct', 'mcp'],
  ['mcp', 'direct', 'floor'],
  ['floor', 'mcp', 'direct'],
  ['direct', 'floor', 'mcp'],
];

export async function overhead(ctx, plan) {
  return overheadFigures({ mcp: ctx.callMcp, floor: ctx.callFloor, direct: ctx.callDirect }, plan, {
    id: 'call_overhead',
    figure: '2. Tool-call overhead',
    p99Max: 2,
  });
}

/**
 * The p50 and p99 rows for three callers (`mcp`, `floor`, `direct`); `labels` names the rows
 * and sets the p99 target (none when `p99Max` is absent: reported only).
 */
export async function overheadFigures(fns, plan, labels) {
  for (let i = 0; i < plan.overheadWarmup; i++) for (const side of ORDERS[0]) await fns[side]();
  const blocks = [];
  for (let b = 0; b < plan.overheadBlocks; b++) {
    const times = { mcp: [], floor: [], direct: [] };
    for (let i = 0; i < plan.overheadPairs; i++) {
      for (const side of ORDERS[i % ORDERS.length]) {
        const t0 = performance.now();
        await fns[side]();
        times[side].push(performance.now() - t0);
      }
    }
    const block = {};
    for (const side of Object.keys(times)) {
      block[`${side}P50`] = quantile(times[side], 0.5);
      block[`${side}P99`] = quantile(times[side], 0.99);
    }
    blocks.push(block);
  }
  const col = (key) => summary(blocks.map((b) => b[key]));
  const added = (side, q) => summary(blocks.map((b) => b[`${side}${q}`] - b[`direct${q}`]));
  const shape = `${plan.overheadBlocks} blocks × ${plan.overheadPairs} rounds (whatalo, floor, direct in rotating order)`;
  const addedP50 = added('mcp', 'P50');
  const addedP99 = added('mcp', 'P99');
  const p99Max = labels.p99Max;
  return [
    {
      id: `${labels.id}_p50`,
      figure: `${labels.figure}, p50 (get_product)`,
      unit: 'ms',
      whatalo: col('mcpP50'),
      baseline: col('directP50'),
      added: addedP50,
      target: { kind: 'added', max: 1, text: 'added ≤ 1 ms' },
      met: addedP50.median <= 1,
      detail: { shape, floor: col('floorP50'), floor_added: added('floor', 'P50') },
    },
    {
      id: `${labels.id}_p99`,
      figure: `${labels.figure}, p99 (get_product)`,
      unit: 'ms',
      whatalo: col('mcpP99'),
      baseline: col('directP99'),
      added: addedP99,
      target: p99Max === undefined ? { kind: 'reported', text: 'reported' } : { kind: 'added', max: p99Max, text: `added ≤ ${p99Max} ms` },
      met: p99Max === undefined ? null : addedP99.median <= p99Max,
      detail: { shape, floor: col('floorP99'), floor_added: added('floor', 'P99') },
    },
  ];
}
