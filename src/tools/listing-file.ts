/**
 * The tools as a host sees them, without loading them: each tool's catalog facts and its exact
 * `tools/list` entry, read from dist/tools/listing.json, which the build writes from the tool
 * records (scripts/listing.mjs). `serve` answers `initialize` and `tools/list` from it without
 * building the records' zod schemas (nor importing zod: ~12 ms of start-up); the records load
 * on the first call.
 *
 * The file names a digest of the built files it was made from. When they changed since (a
 * plain `tsc` after a tool edit), or the file is missing (tests run from src/), the listing is
 * computed from the records instead: slower, never stale.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { CatalogEntry } from './catalog.js';

export const LISTING_FILE = 'listing.json';

export interface ListingFile {
  /** sha256 of the built files the listing was made from (see sourceDigest). */
  source: string;
  tools: CatalogEntry[];
}

/**
 * Digest of what the listing is made of: the tool modules beside this file (the converter,
 * listing.js, among them) and the API types (enums, page bounds). A rebuild that changes none
 * of them keeps it valid.
 */
export function sourceDigest(toolsDir: URL): string {
  const hash = createHash('sha256');
  // Relative names: an installed copy elsewhere on disk is the same build.
  const names = readdirSync(toolsDir)
    .filter((f) => f.endsWith('.js'))
    .sort();
  for (const name of [...names, '../api/types.js']) {
    hash
      .update(name)
      .update('\0')
      .update(readFileSync(new URL(name, toolsDir)))
      .update('\0');
  }
  return hash.digest('base64url');
}

function readBuiltListing(dir: URL): CatalogEntry[] | undefined {
  let file: ListingFile;
  try {
    file = JSON.parse(readFileSync(new URL(LISTING_FILE, dir), 'utf8')) as ListingFile;
    if (file.source !== sourceDigest(dir)) return undefined;
  } catch {
    return undefined;
  }
  return file.tools;
}

/**
 * Every tool's catalog entry, in list order: from the build's listing in `dir` (the built
 * tools folder, beside this module), else from the records.
 */
export async function loadCatalog(dir = new URL('./', import.meta.url)): Promise<{ entries: CatalogEntry[]; from: 'build' | 'records' }> {
  const built = readBuiltListing(dir);
  if (built) return { entries: built, from: 'build' };
  const [{ ALL_TOOLS }, { catalogOf }] = await Promise.all([import('./index.js'), import('./listing.js')]);
  return { entries: catalogOf(ALL_TOOLS), from: 'records' };
}
