/**
 * The authorization endpoint: validates the request, shows the consent page (or approves at
 * once under --auto-approve), and takes the merchant's decision.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.3 (PKCE, S256 only here)
 * @see https://www.rfc-editor.org/rfc/rfc9207 (iss in the response)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isScope } from '../../scopes.js';
import { HttpError, one, parseParams, readForm } from '../http.js';
import type { SandboxContext } from '../context.js';
import { type Client, type PendingAuthorization, addPending, issueCode, liveClient, now, sameSecret } from '../state.js';
import { sendConsentPage } from './consent.js';
import { sendErrorPage } from './pages.js';
import { matchesRegistered, withParams } from './redirects.js';
import { resourceProblem } from './register.js';
import { parseScope } from './scope.js';

/** A base64url SHA-256 digest is exactly 43 characters (RFC 7636 §4.2). */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** Thrown once the redirect URI is trusted: the error goes back to the client (RFC 6749 §4.1.2.1). */
class RedirectError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

function redirect(res: ServerResponse, status: 302 | 303, location: string): void {
  res.writeHead(status, { location, 'cache-control': 'no-store', 'content-length': 0 });
  res.end();
}

type RequestFields = Omit<PendingAuthorization, 'id' | 'csrf' | 'expiresAt' | 'redirectUri'>;

/** The request parameter that names the store (CONTRACT A19, our extension). */
export const STORE_HINT_PARAM = 'whatalo_store_id';

/** Validates everything after client and redirect URI. */
function validateRequest(ctx: SandboxContext, client: Client, params: URLSearchParams): RequestFields {
  let parsed: Map<string, string[]>;
  try {
    parsed = parseParams(params, ['resource']);
  } catch (error) {
    throw new RedirectError('invalid_request', error instanceof HttpError ? error.message : 'malformed request');
  }
  const responseType = one(parsed, 'response_type');
  if (!responseType) throw new RedirectError('invalid_request', 'response_type is required');
  if (responseType !== 'code') throw new RedirectError('unsupported_response_type', 'only response_type=code is supported');
  if (!client.response_types.includes('code')) {
    throw new RedirectError('unauthorized_client', 'this client is not registered for the authorization_code grant');
  }

  const state = one(parsed, 'state');
  if (!state) throw new RedirectError('invalid_request', 'state is required');

  const method = one(parsed, 'code_challenge_method');
  const challenge = one(parsed, 'code_challenge');
  if (method !== 'S256') {
    throw new RedirectError('invalid_request', 'PKCE is required with code_challenge_method=S256; plain is not accepted');
  }
  if (!challenge || !S256_CHALLENGE.test(challenge)) {
    throw new RedirectError('invalid_request', 'code_challenge must be the base64url SHA-256 of the code_verifier (43 characters)');
  }

  const scope = parseScope(one(parsed, 'scope'), (message) => new RedirectError('invalid_scope', message));
  if (scope.length === 0) throw new RedirectError('invalid_scope', 'scope is required');
  const unknown = scope.filter((s) => !isScope(s));
  if (unknown.length > 0) throw new RedirectError('invalid_scope', `unknown scope ${unknown.map((s) => `"${s}"`).join(', ')}`);
  if (client.scope !== undefined) {
    const allowed = new Set(client.scope.split(' '));
    const extra = scope.filter((s) => !allowed.has(s));
    if (extra.length > 0) throw new RedirectError('invalid_scope', `scope ${extra.join(' ')} was not registered for this client`);
  }

  const resources = parsed.get('resource') ?? [];
  // CONTRACT A16: Whatalo's single-value policy for resource indicators.
  if (resources.length > 1) throw new RedirectError('invalid_target', 'at most one resource may be requested');
  const resource = resources[0];
  if (resource !== undefined) {
    const problem = resourceProblem(resource);
    if (problem) throw new RedirectError('invalid_target', problem);
  }
  // A re-authorization for more scope names the store of the grant it extends; the merchant
  // then cannot pick another one by mistake.
  let storeId = one(parsed, STORE_HINT_PARAM);
  if (ctx.storeHint === 'ignore') storeId = undefined;
  else if (storeId !== undefined && !ctx.data.stores.some((s) => s.id === storeId)) {
    throw new RedirectError('invalid_request', `${STORE_HINT_PARAM} names no store of this merchant`);
  }
  return { clientId: client.client_id, scope, state, codeChallenge: challenge, resource, storeId };
}

/**
 * GET /oauth/authorize. An unknown client or an unregistered redirect URI is an error page,
 * never a redirect (CONTRACT A6); every later error redirects with `state` and `iss`.
 */
export function handleAuthorize(ctx: SandboxContext, _req: IncomingMessage, res: ServerResponse, url: URL): void {
  const params = url.searchParams;
  const ids = params.getAll('client_id');
  if (ids.length !== 1) {
    sendErrorPage(
      res,
      400,
      'This sign-in link is not valid',
      ids.length === 0 ? 'The link names no app (client_id is missing).' : 'The link names more than one app.',
    );
    return;
  }
  const client = liveClient(ctx.state, ids[0]);
  if (!client) {
    const known = ctx.state.clients.has(ids[0]!);
    sendErrorPage(
      res,
      400,
      'This app is not known to Whatalo',
      known ? 'The app’s registration has expired. The app must register again.' : `No app is registered as "${ids[0]}".`,
    );
    return;
  }
  const uris = params.getAll('redirect_uri');
  if (uris.length > 1) {
    sendErrorPage(res, 400, 'This sign-in link is not valid', 'The link names more than one return address.');
    return;
  }
  let redirectUri = uris[0];
  if (redirectUri === undefined) {
    if (client.redirect_uris.length !== 1) {
      sendErrorPage(res, 400, 'This sign-in link is not valid', 'The link does not say where to return (redirect_uri is missing).');
      return;
    }
    redirectUri = client.redirect_uris[0]!;
  } else if (!matchesRegistered(client.redirect_uris, redirectUri)) {
    sendErrorPage(res, 400, 'This sign-in link is not valid', 'The return address is not registered for this app, so Whatalo will not send you there.');
    return;
  }

  let request: RequestFields;
  try {
    request = validateRequest(ctx, client, params);
  } catch (error) {
    if (!(error instanceof RedirectError)) throw error;
    const state = params.getAll('state').length === 1 ? params.get('state') || undefined : undefined;
    redirect(res, 302, withParams(redirectUri, { error: error.error, error_description: error.description, state, iss: ctx.issuer }));
    return;
  }
  const complete = { ...request, redirectUri };
  if (ctx.autoApproveStoreId !== undefined) {
    const storeId = complete.storeId ?? ctx.autoApproveStoreId;
    const code = issueCode(ctx.state, complete, ctx.data.merchant.id, storeId);
    ctx.logger.info('authorization approved automatically', { client_id: client.client_id, store_id: storeId });
    redirect(res, 302, withParams(redirectUri, { code, state: complete.state, iss: ctx.issuer }));
    return;
  }
  const pending = addPending(ctx.state, complete);
  sendConsentPage(ctx, res, 200, client, pending);
}

/**
 * POST /oauth/authorize/decision: the consent form. Without the request's CSRF token the
 * answer is a 403 page, never a redirect; approval needs exactly one of the merchant's stores.
 */
export async function handleDecision(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = await readForm(req);
  const pending = ctx.state.pending.get(one(form, 'request_id') ?? '');
  const csrf = one(form, 'csrf_token');
  if (!pending || !csrf || !sameSecret(csrf, pending.csrf)) {
    ctx.logger.warn('consent form refused: missing or wrong CSRF token');
    sendErrorPage(res, 403, 'This form could not be accepted', 'The consent form was not sent by this page, or it was already used. Nothing was approved.');
    return;
  }
  ctx.state.pending.delete(pending.id);
  const client = liveClient(ctx.state, pending.clientId);
  if (now(ctx.state) >= pending.expiresAt || !client) {
    sendErrorPage(res, 400, 'This sign-in has expired', 'Too much time passed since the app asked. Start again from the app.');
    return;
  }
  const decision = one(form, 'decision');
  if (decision === 'deny') {
    ctx.logger.info('authorization denied', { client_id: client.client_id });
    redirect(
      res,
      303,
      withParams(pending.redirectUri, { error: 'access_denied', error_description: 'the merchant denied access', state: pending.state, iss: ctx.issuer }),
    );
    return;
  }
  const storeId = one(form, 'store_id');
  const store = ctx.data.stores.find((s) => s.id === storeId);
  if (decision !== 'approve' || !store || (pending.storeId !== undefined && store.id !== pending.storeId)) {
    // Show the page again with a fresh token: the merchant fixes the choice and goes on.
    const again = addPending(ctx.state, { ...pending });
    const message =
      decision !== 'approve'
        ? 'Choose Approve or Deny.'
        : store && pending.storeId !== undefined
          ? 'This app asked for access to the store below only.'
          : storeId
            ? 'That store is not one of yours. Choose one of the stores below.'
            : 'Choose a store before you approve.';
    sendConsentPage(ctx, res, 400, client, again, message);
    return;
  }
  const code = issueCode(ctx.state, pending, ctx.data.merchant.id, store.id);
  ctx.logger.info('authorization approved', { client_id: client.client_id, store_id: store.id });
  redirect(res, 303, withParams(pending.redirectUri, { code, state: pending.state, iss: ctx.issuer }));
}
