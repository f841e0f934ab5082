/**
 * What every sandbox handler is given, in a module of its own: the handlers and the router
 * that calls them both need it, and neither may need the other.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import type { SandboxData } from './data.js';
import type { FaultState } from './faults.js';
import type { SandboxState } from './state.js';

/** What every handler may use; passed in, never a module singleton. */
export interface SandboxContext {
  state: SandboxState;
  data: SandboxData;
  /** 'http://127.0.0.1:PORT', no trailing slash. */
  issuer: string;
  logger: Logger;
  /** Set by --auto-approve: GET /oauth/authorize approves at once for this store. */
  autoApproveStoreId: string | undefined;
  /** 'ignore' plays an AS that does not know `whatalo_store_id` (the broker must still refuse
   *  another store's grant); set by POST /sandbox/authorization. Default 'honour'. */
  storeHint: 'honour' | 'ignore';
  /** Injected faults (/sandbox/faults); empty unless a test or --faults asks. */
  faults: FaultState;
}

export type Handler = (ctx: SandboxContext, req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

export const API_PREFIX = '/api/v1';
