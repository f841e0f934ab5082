/**
 * The sandbox's HTTP front: one flat route table, one place that turns errors into answers.
 * Nothing a client sends can end the process: every handler runs inside one catch.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import { HttpError, sendJson } from './http.js';
import { handleAuthorize, handleDecision } from './as/authorize.js';
import { DECISION_PATH } from './as/consent.js';
import { handleIntrospect } from './as/introspect.js';
import { METADATA_PATH, handleMetadata } from './as/metadata.js';
import { handleRegister } from './as/register.js';
import { handleRevoke } from './as/revoke.js';
import { handleToken } from './as/token.js';
import {
  SETTINGS_DISCONNECT_PATH,
  SETTINGS_PATH,
  handleAuthorizationMode,
  handleClock,
  handleDisconnect,
  handleGrants,
  handleResetStats,
  handleSettings,
  handleSettingsDisconnect,
  handleStats,
} from './controls.js';
import { API_PREFIX, type ApiHandler, type Handler, type SandboxContext } from './context.js';
import { countRequest } from './state.js';
import { FAULTS_PATH, applyFault, handleFaults } from './faults.js';

const ROUTES: Record<string, Partial<Record<string, Handler>>> = {
  [METADATA_PATH]: { GET: handleMetadata },
  '/oauth/register': { POST: handleRegister },
  '/oauth/authorize': { GET: handleAuthorize },
  [DECISION_PATH]: { POST: handleDecision },
  '/oauth/token': { POST: handleToken },
  '/oauth/introspect': { POST: handleIntrospect },
  '/oauth/revoke': { POST: handleRevoke },
  '/sandbox/disconnect': { POST: handleDisconnect },
  '/sandbox/clock': { POST: handleClock },
  '/sandbox/authorization': { POST: handleAuthorizationMode },
  '/sandbox/grants': { GET: handleGrants },
  '/sandbox/stats': { GET: handleStats },
  '/sandbox/reset-stats': { POST: handleResetStats },
  [FAULTS_PATH]: { GET: faultsControl, POST: faultsControl, DELETE: faultsControl },
  [SETTINGS_PATH]: { GET: handleSettings },
  [SETTINGS_DISCONNECT_PATH]: { POST: handleSettingsDisconnect },
};

function faultsControl(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  return handleFaults(ctx.faults, req, res);
}

/** Host names a browser may use to reach us; anything else is DNS rebinding and is refused. */
const LOOPBACK_HOST_HEADER = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/i;

/** The request listener: routes, counts, and answers every failure with a clean response. */
export function createRouter(ctx: SandboxContext, api: ApiHandler): RequestListener {
  return (req, res) => {
    void dispatch(ctx, api, req, res).catch((error: unknown) => answerError(ctx.logger, res, error));
  };
}

async function dispatch(ctx: SandboxContext, api: ApiHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  if (!LOOPBACK_HOST_HEADER.test(req.headers.host ?? '')) {
    throw new HttpError(421, { error: 'invalid_request', message: 'the sandbox answers only to loopback host names' });
  }
  let url: URL;
  try {
    url = new URL(req.url ?? '/', ctx.issuer);
  } catch {
    throw new HttpError(400, { error: 'invalid_request', message: 'malformed request target' });
  }
  const path = url.pathname;
  // Faults come before routing; an answered or dropped request still counts like any other.
  if (await applyFault(ctx.faults, req, res, method, path, API_PREFIX)) {
    countRequest(ctx.state, `${method} ${path}`);
    return;
  }
  if (path === API_PREFIX || path.startsWith(API_PREFIX + '/')) {
    // API v1 counts its own requests by route pattern (bounded, unlike raw ids).
    await api(req, res, path.slice(API_PREFIX.length));
    return;
  }
  // The controls are test plumbing, not client behaviour: they are not counted.
  if (!path.startsWith('/sandbox/')) countRequest(ctx.state, `${method} ${path}`);
  const route = Object.hasOwn(ROUTES, path) ? ROUTES[path] : undefined;
  if (!route) throw new HttpError(404, { error: 'not_found', message: `no such endpoint: ${path}` });
  const handler = route[method];
  if (!handler) {
    const allow = Object.keys(route).join(', ');
    throw new HttpError(405, { error: 'method_not_allowed', message: `${path} accepts ${allow}` }, { allow });
  }
  await handler(ctx, req, res, url);
  ctx.logger.debug(`${method} ${path} ${res.statusCode}`);
}

/**
 * The sandbox's one error handler: an HttpError (AS, API v1 or controls, each already in its
 * protocol's shape) is sent as it is; anything else is a bug, logged and answered generically.
 */
export function answerError(logger: Logger, res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    logger.error('handler failed after answering', { error });
    res.destroy();
    return;
  }
  if (error instanceof HttpError) {
    sendJson(res, error.status, error.body, error.headers);
    return;
  }
  // A bug: logged here, answered generically, never with internals.
  logger.error('unexpected error', { error });
  sendJson(res, 500, { error: 'server_error', error_description: 'the sandbox failed; see its log' });
}
