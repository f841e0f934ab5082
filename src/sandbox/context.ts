/**
 * What every sandbox handler is given, in a module of its own: the handlers and the router
 * that calls them both need it, and neither may need the other.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import { type AsFlags, type AsLimits, DEFAULT_FLAGS, WHATALO_LIMITS } from './as/flags.js';
import type { SandboxData } from './data.js';
import type { FaultState } from './faults.js';
import type { SandboxState } from './state.js';

/** What every handler may use; passed in, never a module singleton. */
export interface SandboxContext {
  state: SandboxState;
  data: SandboxData;
  /** 'http://127.0.0.1:PORT', no trailing slash. */
  issuer: string;
  /**
   * API v1's resource identifier: the origin of its base URL, not the `/v1` path (CONTRACT
   * A15, like `https://api.whatalo.com`). The `aud` of a token asked for without `resource`,
   * and the only `aud` API v1 accepts.
   */
  apiResource: string;
  logger: Logger;
  /** Set by --auto-approve: GET /oauth/authorize approves at once for this store. */
  autoApproveStoreId: string | undefined;
  /** Generous behaviours, all off unless asked for (as/flags.ts, CONTRACT AC6); POST /sandbox/flags changes them. */
  flags: AsFlags;
  /** The AS's rate limits, Whatalo's unless raised (as/flags.ts). */
  limits: AsLimits;
  /** Injected faults (/sandbox/faults); empty unless a test or --faults asks. */
  faults: FaultState;
}

export type Handler = (ctx: SandboxContext, req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

export const API_PREFIX = '/api/v1';

/** The resource identifier of an API whose base URL is `apiBase`: its origin (CONTRACT A15). */
export function apiResourceOf(apiBase: string): string {
  return new URL(apiBase).origin;
}

/**
 * A context with Whatalo's defaults for everything not given: no flags, Whatalo's limits, no
 * auto-approval. The issuer and apiResource are filled in once the server listens.
 */
export function createContext(fields: Pick<SandboxContext, 'state' | 'data' | 'logger' | 'faults'> & Partial<SandboxContext>): SandboxContext {
  return {
    issuer: '',
    apiResource: '',
    autoApproveStoreId: undefined,
    ...fields,
    flags: { ...DEFAULT_FLAGS, ...fields.flags },
    limits: { ...WHATALO_LIMITS, ...fields.limits },
  };
}
