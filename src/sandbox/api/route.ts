/**
 * A route of API v1 as data: method, path pattern, required scope, handler. The flat list
 * in ../api.ts is the whole API; the docs/design.md table can be read off it line by line.
 */
import type { IncomingMessage } from 'node:http';
import type { Scope } from '../../scopes.js';
import type { SandboxData, StoreData } from '../data.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RouteContext {
  req: IncomingMessage;
  url: URL;
  /** Decoded `:name` segments of the pattern. */
  params: Record<string, string>;
  data: SandboxData;
  /** The token's store: the only store a request can see. */
  store: StoreData;
  /** The sandbox clock, as an ISO 8601 string (for updated_at and friends). */
  nowIso(): string;
  /** The JSON body (415 unless application/json, 400 if malformed, 413 if too large). */
  json(): Promise<unknown>;
}

export interface Answer {
  status?: number;
  body: unknown;
}

export interface Route {
  method: Method;
  /** Path under /api/v1, e.g. '/products/:id'; also the stats key. */
  pattern: string;
  scope: Scope;
  handle(ctx: RouteContext): Answer | Promise<Answer>;
}

/** The value of `:name`; the router guarantees it exists for the route's own pattern. */
export function param(ctx: RouteContext, name: string): string {
  const value = ctx.params[name];
  if (value === undefined) throw new Error(`route has no :${name} parameter`);
  return value;
}
