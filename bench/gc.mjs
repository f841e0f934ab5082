/**
 * Figure 3b: KB promoted into the old generation per `get_product` call at each concurrency of
 * figure 3, for a new whatalo-mcp and a new floor server (bench/lib/v8-trace.mjs). Objects that
 * outlive their call cost every later scavenge, on the main thread and on V8's helper threads:
 * at concurrency 16 and 64 that was most of the throughput gap to the floor until the requests
 * not yet watched left a Set for a linked list (src/net/watch.ts; 6.6–7.4 against 2.1 KB).
 */
import { traceGc } from './lib/v8-trace.mjs';
import { floorServer, whataloServer } from './lib/servers.mjs';

const MAX_RATIO = 1.25;

export async function gc(ctx, plan) {
  const { token, storeId, productId } = ctx.direct;
  const one = (value) => ({ median: value, min: value, max: value, runs: 1 });
  const rows = [];
  for (const concurrency of plan.concurrencies) {
    const run = { productId, concurrency, warmup: plan.gcWarmup, calls: plan.gcCalls };
    const floor = await traceGc(floorServer(ctx.sandbox, { token, storeId }), run);
    const ours = await traceGc(whataloServer(ctx.sandbox), run);
    const ratio = ours.promoted_kb / floor.promoted_kb;
    rows.push({
      id: `gc_promoted_c${concurrency}`,
      figure: `3b. Promoted per call at concurrency ${concurrency} (vs the floor server)`,
      unit: 'KB',
      whatalo: one(ours.promoted_kb),
      baseline: one(floor.promoted_kb),
      ratio: one(ratio),
      target: { kind: 'ratio', max: MAX_RATIO, text: `ratio ≤ ${MAX_RATIO}` },
      met: ratio <= MAX_RATIO,
      detail: { method: "V8's --trace-gc-nvp, scavenges during the timed calls", calls: plan.gcCalls, warmup_calls: plan.gcWarmup, whatalo: ours, floor },
    });
  }
  return rows;
}
