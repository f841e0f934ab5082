/**
 * Figure 6: what tools/list costs a model's context, in UTF-8 bytes of the JSON the host
 * receives, per tool, with a breakdown of where each tool spends them.
 */
import { openSession } from './lib/mcp.mjs';
import { baselineServer, whataloServer } from './lib/servers.mjs';

const bytes = (value) => (value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value)));
const PARTS = ['name', 'title', 'description', 'inputSchema', 'outputSchema', 'annotations'];

/** Bytes of each part of one tool; `other` is whatever else it carries (_meta, execution, JSON punctuation). */
export function toolBytes(tool) {
  const total = bytes(tool);
  const parts = Object.fromEntries(PARTS.map((p) => [p, bytes(tool[p])]));
  const counted = Object.values(parts).reduce((a, b) => a + b, 0);
  return { tool: tool.name, total, ...parts, other: total - counted };
}

async function listOf(spec) {
  const session = await openSession(spec);
  try {
    return session.listResult;
  } finally {
    await session.close();
  }
}

export async function context(ctx) {
  const [ours, base] = [await listOf(whataloServer(ctx.sandbox)), await listOf(baselineServer())];
  const perTool = ours.tools.map(toolBytes).sort((a, b) => b.total - a.total);
  const avg = bytes(ours) / ours.tools.length;
  const baseAvg = bytes(base) / base.tools.length;
  const sum = (key) => perTool.reduce((a, t) => a + t[key], 0);
  const one = (n) => ({ median: n, min: n, max: n, runs: 1 });
  return [
    {
      id: 'tools_list_bytes_per_tool',
      figure: `6. Context cost: tools/list bytes per tool (${ours.tools.length} tools)`,
      unit: 'B/tool',
      whatalo: one(avg),
      baseline: one(baseAvg),
      baselineText: `${Math.round(baseAvg)} (bare: 1 trivial tool, no output schema); reference servers 590–1,270`,
      target: { kind: 'absolute', max: 900, text: '≤ 900 average' },
      met: avg <= 900,
      detail: {
        total_bytes: bytes(ours),
        tools: ours.tools.length,
        share: Object.fromEntries([...PARTS, 'other'].map((p) => [p, sum(p)])),
        per_tool: perTool,
      },
    },
  ];
}
