/**
 * The sandbox: a fake Whatalo (authorization server, consent page, API v1, test controls)
 * on a loopback port, so everything runs with no network.
 *
 * @see ../../docs/design.md "The sandbox, as the CLI and tests use it"
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WhataloError } from '../errors.js';
import { type Logger, createLogger } from '../log.js';
import { createApiHandler, grantForToken } from './api.js';
import { createSeedData } from './data.js';
import { type FaultSpec, FaultSpecError, createFaultState, parseFaults } from './faults.js';
import { type AsFlags, type AsLimits, DEFAULT_FLAGS, WHATALO_LIMITS, limitsProblem } from './as/flags.js';
import { API_PREFIX, apiResourceOf, createContext } from './context.js';
import { createRouter } from './server.js';
import { countRequest, createState, now } from './state.js';

export interface SandboxOptions {
  /** Default '127.0.0.1'. Only loopback addresses are accepted: the controls have no auth. */
  host?: string;
  /** Default 0 (ephemeral). */
  port?: number;
  /** A store id, or 'first'; undefined = show the consent page. */
  autoApprove?: string;
  /** API v1 rate limit; default 600 per 60 s. */
  rateLimit?: { limit: number; windowSeconds: number };
  /** Faults active from the start (as POST /sandbox/faults takes them); validated here. */
  faults?: unknown;
  /**
   * Generous behaviours Whatalo does not promise, each off unless set here (or later by POST
   * /sandbox/flags): any-port loopback redirects, the store hint, public-client introspection,
   * RFC 9207 `iss`, the API-reference metadata. See as/flags.ts (CONTRACT AC6).
   */
  flags?: Partial<AsFlags>;
  /** The AS's rate limits; Whatalo's (10 registrations/h, 60 and 30 token requests/min) unless raised. */
  limits?: Partial<AsLimits>;
  logger?: Logger;
}

export interface Sandbox {
  /** 'http://127.0.0.1:PORT' */
  issuer: string;
  /** 'http://127.0.0.1:PORT/api/v1' */
  apiBase: string;
  /** API v1's resource identifier, the `aud` it accepts: the origin of apiBase (CONTRACT A15). */
  apiResource: string;
  /** 'usr_…' */
  merchant: string;
  stores: { id: string; name: string }[];
  close(): Promise<void>;
}

const LOOPBACK_BIND = new Set(['127.0.0.1', '::1', 'localhost']);
export const DEFAULT_RATE_LIMIT = { limit: 600, windowSeconds: 60 } as const;

/** Starts the sandbox. Rejects with CONFIG_INVALID for a bad option or a port in use. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const logger = options.logger ?? createLogger({ name: 'sandbox' });
  if (!LOOPBACK_BIND.has(host)) {
    throw new WhataloError('CONFIG_INVALID', `--host must be a loopback address (127.0.0.1, ::1 or localhost), not "${host}"`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new WhataloError('CONFIG_INVALID', `--port must be an integer from 0 to 65535, not "${port}"`);
  }
  const rateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  if (!Number.isInteger(rateLimit.limit) || rateLimit.limit < 1 || !(rateLimit.windowSeconds > 0)) {
    throw new WhataloError('CONFIG_INVALID', `--rate-limit must be a positive integer, not "${rateLimit.limit}"`);
  }

  const data = createSeedData();
  let autoApproveStoreId: string | undefined;
  if (options.autoApprove !== undefined) {
    const store = options.autoApprove === 'first' ? data.stores[0] : data.stores.find((s) => s.id === options.autoApprove);
    if (!store) {
      const known = data.stores.map((s) => s.id).join(', ');
      throw new WhataloError('CONFIG_INVALID', `--auto-approve names no store of the sandbox merchant: "${options.autoApprove}" (stores: ${known}, or first)`);
    }
    autoApproveStoreId = store.id;
  }

  const limitProblem = limitsProblem(options.limits ?? {});
  if (limitProblem) throw new WhataloError('CONFIG_INVALID', `sandbox limits: ${limitProblem}`);
  const unknownFlag = Object.keys(options.flags ?? {}).find((k) => !(k in DEFAULT_FLAGS));
  if (unknownFlag !== undefined) throw new WhataloError('CONFIG_INVALID', `unknown sandbox flag "${unknownFlag}"`);

  let faults: FaultSpec[] = [];
  try {
    faults = options.faults === undefined ? [] : parseFaults(options.faults);
  } catch (error) {
    if (error instanceof FaultSpecError) throw new WhataloError('CONFIG_INVALID', `--faults: ${error.message}`);
    throw error;
  }

  const state = createState();
  const ctx = createContext({
    state,
    data,
    logger,
    autoApproveStoreId,
    flags: { ...DEFAULT_FLAGS, ...options.flags },
    limits: { ...WHATALO_LIMITS, ...options.limits },
    faults: createFaultState(faults),
  });
  const api = createApiHandler({
    data,
    // Only a token whose aud is API v1's resource, its origin (CONTRACT A15): a token for
    // another server (an MCP server's own) that a resource server forwards is caught here.
    authenticate: (token) => grantForToken(state, token, ctx.apiResource),
    now: () => now(state),
    count: (key) => countRequest(state, key),
    rateLimit,
    logger,
  });

  const server = createServer(createRouter(ctx, api));
  // Slow or idle clients must not hold the sandbox open forever.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new WhataloError('CONFIG_INVALID', `port ${port} on ${host} is already in use`, { hint: 'Choose another --port, or 0 for any free port.' })
          : new WhataloError('CONFIG_INVALID', `the sandbox cannot listen on ${host}:${port}: ${error.message}`, { cause: error }),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (error) => logger.error('server error', { error }));

  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  ctx.issuer = `http://${hostPart}:${address.port}`;
  ctx.apiResource = apiResourceOf(`${ctx.issuer}${API_PREFIX}`);
  logger.info(`listening on ${ctx.issuer}`);

  let closing: Promise<void> | undefined;
  return {
    issuer: ctx.issuer,
    apiBase: `${ctx.issuer}${API_PREFIX}`,
    apiResource: ctx.apiResource,
    merchant: data.merchant.id,
    stores: data.stores.map((s) => ({ id: s.id, name: s.name })),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
