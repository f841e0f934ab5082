/**
 * The tools as a host sees them, without loading them: name, toolset, scope, annotations and
 * the exact `tools/list` entry, read from dist/tools/listing.json, which the build writes from
 * the tool records (scripts/listing.mjs). Selection (`--read-only`, `--toolsets`) and the
 * scopes asked at sign-in need only these facts, so `serve` answers `initialize` and
 * `tools/list` without building the records' zod schemas; the records load on the first call.
 *
 * The file names a digest of the built files it was made from. When they changed since (a
 * plain `tsc` after a tool edit), or the file is missing (tests run from src/), the listing is
 * computed from the records instead: slower, never stale.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { WhataloError } from '../errors.js';
import { ALL_SCOPES, isReadScope, type Scope } from '../scopes.js';

/** Groups a merchant can switch on and off with `--toolsets`. */
export const TOOLSETS = ['store', 'products', 'categories', 'inventory', 'customers', 'orders'] as const;
export type Toolset = (typeof TOOLSETS)[number];

/** What selection and sign-in need of a tool; a ToolRecord and a CatalogEntry both fit. */
export interface ToolFacts {
  name: string;
  toolset: Toolset;
  scope: Scope;
  annotations: { readOnlyHint: boolean; destructiveHint: boolean };
}

/** One enabled tool before its record is loaded: the facts and its `tools/list` entry. */
export interface CatalogEntry extends ToolFacts {
  listed: Tool;
}

export interface ToolSelection {
  readOnly?: boolean;
  /** Toolset names; undefined = all. Unknown names are a CONFIG_INVALID error naming the valid ones. */
  toolsets?: readonly string[] | undefined;
}

/** True for tools that only read: `readOnlyHint` is the one source of truth for read-only mode. */
export function isReadOnly(tool: ToolFacts): boolean {
  return tool.annotations.readOnlyHint;
}

/** The enabled tools for `--read-only` and `--toolsets`, in list order. */
export function selectFrom<T extends ToolFacts>(tools: readonly T[], selection: ToolSelection = {}): T[] {
  const wanted = selection.toolsets;
  if (wanted !== undefined) {
    const unknown = wanted.filter((t) => !(TOOLSETS as readonly string[]).includes(t));
    if (unknown.length > 0) {
      throw new WhataloError('CONFIG_INVALID', `unknown toolset${unknown.length > 1 ? 's' : ''} ${unknown.map((t) => `"${t}"`).join(', ')}; valid toolsets are ${TOOLSETS.join(', ')}`);
    }
  }
  return tools.filter((tool) => (!selection.readOnly || isReadOnly(tool)) && (wanted === undefined || wanted.includes(tool.toolset)));
}

/** Every scope the tools may need, in catalog order. */
export function requiredScopes(tools: readonly ToolFacts[]): Scope[] {
  const needed = new Set(tools.map((t) => t.scope));
  return ALL_SCOPES.filter((s) => needed.has(s));
}

/**
 * What sign-in asks for first: the read scopes of the enabled tools. Least privilege
 * (CONTRACT B3): a write scope is asked for by step-up the first time a write tool runs.
 */
export function initialScopes(tools: readonly ToolFacts[]): Scope[] {
  return requiredScopes(tools).filter(isReadScope);
}

// ---- the build-time listing -----------------------------------------------------------

export const LISTING_FILE = 'listing.json';

export interface ListingFile {
  /** sha256 of the built files the listing was made from (see sourceDigest). */
  source: string;
  tools: CatalogEntry[];
}

/**
 * Digest of what the listing is made of: the tool modules beside this file, the API types
 * (enums, page bounds) and the converter. A rebuild that changes none of them keeps it valid.
 */
export function sourceDigest(toolsDir: URL): string {
  const hash = createHash('sha256');
  // Relative names: an installed copy elsewhere on disk is the same build.
  const names = readdirSync(toolsDir).filter((f) => f.endsWith('.js')).sort();
  for (const name of [...names, '../api/types.js', '../server/listing.js']) {
    hash.update(name).update('\0').update(readFileSync(new URL(name, toolsDir))).update('\0');
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
  const [{ ALL_TOOLS }, { catalogOf }] = await Promise.all([import('./index.js'), import('../server/listing.js')]);
  return { entries: catalogOf(ALL_TOOLS), from: 'records' };
}
