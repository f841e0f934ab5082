/**
 * What an API v1 handler is given and answers. Its row (method, path, scope) is in the
 * sandbox's one route table, ../routes.ts; the checks before it run in ../api.ts.
 */
import type { IncomingMessage } from 'node:http';
import type { Feature, SandboxData, StoreData } from '../data.js';
import { featureDenied } from './errors.js';

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
  /** The sandbox clock in ms (a discount's is_expired is read against it). */
  nowMs(): number;
  /** The JSON body (415 unless application/json, 400 if malformed, 413 if too large). */
  json(): Promise<unknown>;
}

export interface Answer {
  status?: number;
  body: unknown;
}

/** An API v1 endpoint: called once the token, rate limit, store and scope have passed. */
export type ApiHandler = (ctx: RouteContext) => Answer | Promise<Answer>;

/** The value of `:name`; the router guarantees it exists for the route's own pattern. */
export function param(ctx: RouteContext, name: string): string {
  const value = ctx.params[name];
  if (value === undefined) throw new Error(`route has no :${name} parameter`);
  return value;
}

/** 403 FEATURE_ACCESS_DENIED when the token's store is on a plan without `feature`. */
export function requireFeature(ctx: RouteContext, feature: Feature): void {
  if (ctx.store.lacks.includes(feature)) throw featureDenied(feature);
}
