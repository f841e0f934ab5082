/**
 * The sandbox's HTTP front: the Host check, faults, then the row of the one route table
 * (routes.ts) served by its kind; and the one place that turns errors into answers.
 * Nothing a client sends can end the process: every handler runs inside one catch.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import type { ApiChain } from './api.js';
import { API_PREFIX, type SandboxContext } from './context.js';
import { applyFault } from './faults.js';
import { HttpError, sendJson } from './http.js';
import { kindOf, resolve } from './routes.js';
import { countRequest } from './state.js';

/** Host names a browser may use to reach us; anything else is DNS rebinding and is refused. */
const LOOPBACK_HOST_HEADER = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/i;

/** The request listener: routes, counts, and answers every failure with a clean response. */
export function createRouter(ctx: SandboxContext, api: ApiChain): RequestListener {
  return (req, res) => {
    void dispatch(ctx, api, req, res).catch((error: unknown) => answerError(ctx.logger, res, error));
  };
}

async function dispatch(ctx: SandboxContext, api: ApiChain, req: IncomingMessage, res: ServerResponse): Promise<void> {
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
  const kind = kindOf(path);
  if (kind === 'api') {
    // API v1 counts its own requests, by route pattern, and answers in its own envelope.
    await api(req, res, url, resolve(kind, method, path));
    return;
  }
  // The controls are test plumbing, not client behaviour: they are not counted.
  if (kind === 'as') countRequest(ctx.state, `${method} ${path}`);
  const match = resolve(kind, method, path);
  if (!match.route) throw match.miss;
  await match.route.handle(ctx, req, res, url);
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
