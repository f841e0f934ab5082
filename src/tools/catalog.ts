/**
 * What selection and sign-in need to know of a tool, without loading it: toolset, scope and
 * annotations. `--read-only`, `--toolsets`, the scopes asked at sign-in and the `tools`
 * command are derived here, from a ToolRecord or from a CatalogEntry of the build's listing
 * (listing-file.ts), so `serve` decides them without building the records' zod schemas.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { WhataloError } from '../errors.js';
import { ALL_SCOPES, isReadScope, type Scope } from '../scopes.js';

/** Groups a merchant can switch on and off with `--toolsets`. */
export const TOOLSETS = ['store', 'products', 'categories', 'inventory', 'customers', 'orders', 'discounts'] as const;
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
export function selectTools<T extends ToolFacts>(tools: readonly T[], selection: ToolSelection = {}): T[] {
  const wanted = selection.toolsets;
  if (wanted !== undefined) {
    const unknown = wanted.filter((t) => !(TOOLSETS as readonly string[]).includes(t));
    if (unknown.length > 0) {
      throw new WhataloError(
        'CONFIG_INVALID',
        `unknown toolset${unknown.length > 1 ? 's' : ''} ${unknown.map((t) => `"${t}"`).join(', ')}; valid toolsets are ${TOOLSETS.join(', ')}`,
      );
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
