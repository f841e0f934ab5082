/**
 * Figure 3: calls per second over one stdio connection at several concurrencies, against the
 * bare-SDK floor server at the same concurrency in the same run (what the SDK and stdio alone
 * allow for one forwarding tool), with direct API requests alongside. Runs rotate which side
 * goes first.
 *
 * The runs are spread over `plan.throughputProcesses` pairs of new server processes: a process
 * keeps the JIT's and the allocator's luck for its whole life (two processes of one identical
 * build differed by 7 µs of CPU per call and 0.026 in this ratio, bench/ab-builds.mjs), so
 * runs on one pair of processes measure that pair, not the two servers.
 */
import { warmJit } from './lib/jit-warmup.mjs';
import { pool } from './lib/mcp.mjs';
import { summary } from './lib/stats.mjs';

const ORDERS = [
  ['mcp', 'floor', 'direct'],
  ['direct', 'mcp', 'floor'],
  ['floor', 'direct', 'mcp'],
];

export async function throughput(ctx, plan) {
  return throughputFigures(ctx.openCallers, plan, {
    id: 'throughput',
    figure: '3. Throughput',
    unit: 'calls/s',
    min: 0.95,
  });
}

/**
 * One row per concurrency for three callers (`mcp`, `floor`, `direct`): mcp ÷ floor, target ≥
 * `labels.min`. `open()` resolves to `{ fns, close }`: the callers on new server processes, and
 * how to stop them; it is called `plan.throughputProcesses` times (once when that is unset).
 */
export async function throughputFigures(open, plan, labels) {
  const processes = plan.throughputProcesses ?? 1;
  const rates = new Map(plan.concurrencies.map((c) => [c, { mcp: [], floor: [], direct: [] }]));
  for (let generation = 0; generation < processes; generation++) {
    const { fns, close } = await open();
    try {
      // New processes first run until V8 has compiled what the call runs hot (lib/jit-warmup.mjs).
      for (const side of ORDERS[0]) await warmJit(fns[side], plan.jitWarmup ?? 0);
      for (const concurrency of plan.concurrencies) {
        const rate = rates.get(concurrency);
        // Untimed calls first, on every side, at this concurrency: steady-state throughput is
        // the figure, not how fast each process's JIT gets to it (ours has more code to warm up).
        for (const side of ORDERS[0]) await pool(plan.throughputWarmup, concurrency, fns[side]);
        for (let run = 0; run < plan.throughputRuns; run++) {
          for (const side of ORDERS[(generation * plan.throughputRuns + run) % ORDERS.length]) {
            const ms = await pool(plan.throughputCalls, concurrency, fns[side]);
            rate[side].push((plan.throughputCalls / ms) * 1000);
          }
        }
      }
    } finally {
      await close();
    }
  }
  return plan.concurrencies.map((concurrency) => {
    const rate = rates.get(concurrency);
    // The floor is the yardstick: what the same SDK and transport allow for one forwarding tool.
    const ratio = summary(rate.mcp.map((v, i) => v / rate.floor[i]));
    return {
      id: `${labels.id}_c${concurrency}`,
      figure: `${labels.figure} at concurrency ${concurrency} (vs the floor server)`,
      unit: labels.unit,
      whatalo: summary(rate.mcp),
      baseline: summary(rate.floor),
      ratio,
      target: { kind: 'ratio', min: labels.min, text: `ratio ≥ ${labels.min}` },
      met: ratio.median >= labels.min,
      detail: {
        calls_per_run: plan.throughputCalls,
        warmup_calls: plan.throughputWarmup,
        jit_warmup_calls: plan.jitWarmup ?? 0,
        runs: rate.mcp.length,
        server_processes: processes,
        direct: summary(rate.direct),
        direct_ratio: summary(rate.mcp.map((v, i) => v / rate.direct[i])),
        floor_direct_ratio: summary(rate.floor.map((v, i) => v / rate.direct[i])),
      },
    };
  });
}
