/** The table `npm run bench` prints, and the plain data `--json` prints instead. */

function num(value, unit) {
  if (!Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  const digits = unit === 'requests' || Number.isInteger(value) ? 0 : abs < 10 ? 2 : abs < 100 ? 1 : 0;
  return value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function cell(stat, unit) {
  if (!stat) return '—';
  const mid = `${num(stat.median, unit)} ${unit}`;
  return stat.runs > 1 ? `${mid} (${num(stat.min, unit)}–${num(stat.max, unit)})` : mid;
}

function comparison(row) {
  if (row.ratio) return `${row.ratio.median.toFixed(2)}× (${row.ratio.min.toFixed(2)}–${row.ratio.max.toFixed(2)})`;
  if (row.added) return `+${num(row.added.median, 'ms')} ms (${num(row.added.min, 'ms')}–${num(row.added.max, 'ms')})`;
  return '—';
}

function met(row) {
  if (row.error) return 'ERROR';
  if (row.met === null || row.met === undefined) return '·';
  return row.met ? 'yes' : 'NO';
}

export function table(rows) {
  const header = ['figure', 'whatalo-mcp', 'baseline', 'ratio / added', 'target', 'met'];
  const body = rows.map((row) =>
    row.error
      ? [row.figure, `error: ${row.error.split('\n')[0].slice(0, 90)}`, '', '', row.target?.text ?? '', met(row)]
      : [row.figure, cell(row.whatalo, row.unit), row.baselineText ?? cell(row.baseline, row.unit), comparison(row), row.target.text, met(row)],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

/** Where tools/list spends its bytes, one row per tool. */
export function contextBreakdown(row) {
  const d = row?.detail;
  if (!d?.per_tool) return '';
  const cols = ['tool', 'total', 'description', 'inputSchema', 'outputSchema', 'annotations', 'title', 'name', 'other'];
  const rows = d.per_tool.map((t) => cols.map((c) => String(t[c])));
  rows.push(['(all tools)', String(d.per_tool.reduce((a, t) => a + t.total, 0)), ...cols.slice(2).map((c) => String(d.share[c] ?? ''))]);
  const widths = cols.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(cols), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** Where each measured tool result spends its bytes, one row per call. */
export function resultBreakdown(row) {
  const calls = row?.detail?.per_call;
  if (!calls) return '';
  const cols = ['call', 'total', 'summary', 'json_text', 'structured', 'without_json'];
  const rows = calls.map((c) => cols.map((k) => String(c[k])));
  const widths = cols.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(cols), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
