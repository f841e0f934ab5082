/**
 * Module loader hooks (node --import bench/lib/census-register.mjs): append every module
 * the server loads, with its source size, to $BENCH_CENSUS_FILE, so a cold start can be
 * told apart by what it loads.
 */
import { appendFileSync } from 'node:fs';

export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  const file = process.env.BENCH_CENSUS_FILE;
  if (file) {
    const size = result.source == null ? 0 : typeof result.source === 'string' ? Buffer.byteLength(result.source) : result.source.byteLength;
    appendFileSync(file, `${size}\t${url}\n`);
  }
  return result;
}
