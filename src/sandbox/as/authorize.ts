/**
 * The authorization endpoint as Whatalo documents it (CONTRACT A6, A7): `redirect_uri`,
 * `scope`, `state` and an S256 `code_challenge` required; the redirect URI matched exactly;
 * one unknown scope fails the whole request; one `resource` at most. The consent page lets
 * the merchant pick one store and grant fewer scopes than asked; the redirect carries `code`
 * and `state` (or `error=access_denied` and `state`), and `iss` only under the issParameter flag.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.3 (PKCE, S256 only here)
 * @see https://www.rfc-editor.org/rfc/rfc9207 (iss in the response: a sandbox flag)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isScope } from '../../scopes.js';
import { HttpError, one, parseParams, readForm } from '../http.js';
import type { SandboxContext } from '../context.js';
import { type Client, type PendingAuthorization, addPending, issueCode, liveClient, now, sameSecret } from '../state.js';
import { sendConsentPage } from './consent.js';
import { sendErrorPage } from './pages.js';
import { matchesRegistered, resourceProblem, withParams } from './redirects.js';
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

/** Our store hint (CONTRACT AC5): honoured only under the storeHint flag, else ignored like any unknown parameter. */
export const STORE_HINT_PARAM = 'whatalo_store_id';

/** An authorization response's parameters, with `iss` only where the issParameter flag asks for it (A7). */
function responseParams(ctx: SandboxContext, params: Record<string, string | undefined>): Record<string, string | undefined> {
  return ctx.flags.issParameter ? { ...params, iss: ctx.issuer } : params;
}

/** Whether the client registered the refresh_token grant: only then does it get refresh tokens (A5). */
function refreshable(client: Client): boolean {
  return client.grant_types.includes('refresh_token');
}

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
  if (!client.response_types.includes('code') || !client.grant_types.includes('authorization_code')) {
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

  if (!one(parsed, 'scope')) throw new RedirectError('invalid_request', 'scope is required');
  const scope = parseScope(one(parsed, 'scope'), (message) => new RedirectError('invalid_scope', message));
  const unknown = scope.filter((s) => !isScope(s));
  if (unknown.length > 0) throw new RedirectError('invalid_scope', `unknown scope ${unknown.map((s) => `"${s}"`).join(', ')}`);
  if (client.scope !== undefined) {
    const allowed = new Set(client.scope.split(' '));
    const extra = scope.filter((s) => !allowed.has(s));
    if (extra.length > 0) throw new RedirectError('invalid_scope', `scope ${extra.join(' ')} was not registered for this client`);
  }

  const resources = parsed.get('resource') ?? [];
  // CONTRACT A15: Whatalo's single-value policy for resource indicators.
  if (resources.length > 1) throw new RedirectError('invalid_target', 'at most one resource may be requested');
  const resource = resources[0] ?? ctx.apiResource;
  const problem = resourceProblem(resource);
  if (problem) throw new RedirectError('invalid_target', problem);
  // Under the storeHint flag only: a re-authorization for more scope names the store of the
  // grant it extends, and the consent page offers that store alone.
  const storeId = ctx.flags.storeHint ? one(parsed, STORE_HINT_PARAM) : undefined;
  if (storeId !== undefined && !ctx.data.stores.some((s) => s.id === storeId)) {
    throw new RedirectError('invalid_request', `${STORE_HINT_PARAM} names no store of this merchant`);
  }
  return { clientId: client.client_id, scope, state, codeChallenge: challenge, resource, storeId };
}

/**
 * GET /oauth/authorize. An unknown client or a redirect URI that is missing or not registered
 * exactly is a 400 page, never a redirect (CONTRACT A6: `invalid_redirect_uri`); every later
 * error redirects with `state`.
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
      'invalid_client',
    );
    return;
  }
  const uris = params.getAll('redirect_uri');
  if (uris.length !== 1) {
    sendErrorPage(
      res,
      400,
      'This sign-in link is not valid',
      uris.length === 0 ? 'The link does not say where to return (redirect_uri is missing).' : 'The link names more than one return address.',
      'invalid_request',
    );
    return;
  }
  const redirectUri = uris[0]!;
  if (!matchesRegistered(client.redirect_uris, redirectUri, ctx.flags.anyLoopbackPort)) {
    sendErrorPage(
      res,
      400,
      'This sign-in link is not valid',
      'The return address is not registered for this app, exactly as written (port included), so Whatalo will not send you there.',
      'invalid_redirect_uri',
    );
    return;
  }

  let request: RequestFields;
  try {
    request = validateRequest(ctx, client, params);
  } catch (error) {
    if (!(error instanceof RedirectError)) throw error;
    const state = params.getAll('state').length === 1 ? params.get('state') || undefined : undefined;
    redirect(res, 302, withParams(redirectUri, responseParams(ctx, { error: error.error, error_description: error.description, state })));
    return;
  }
  const complete = { ...request, redirectUri };
  if (ctx.autoApproveStoreId !== undefined) {
    // The merchant's standing answer: every scope asked for, on the store the sandbox was told.
    const storeId = complete.storeId ?? ctx.autoApproveStoreId;
    const code = issueCode(ctx.state, complete, { merchant: ctx.data.merchant.id, storeId, scope: complete.scope, refreshable: refreshable(client) });
    ctx.logger.info('authorization approved automatically', { client_id: client.client_id, store_id: storeId });
    redirect(res, 302, withParams(redirectUri, responseParams(ctx, { code, state: complete.state })));
    return;
  }
  const pending = addPending(ctx.state, complete);
  sendConsentPage(ctx, res, 200, client, pending);
}

/**
 * POST /oauth/authorize/decision: the consent form. Without the request's CSRF token the
 * answer is a 403 page, never a redirect; approval needs exactly one of the merchant's stores
 * and at least one of the requested scopes (the merchant may untick the others, A6).
 */
export async function handleDecision(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = await readForm(req, ['scope']);
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
      withParams(pending.redirectUri, responseParams(ctx, { error: 'access_denied', error_description: 'the merchant denied access', state: pending.state })),
    );
    return;
  }
  const storeId = one(form, 'store_id');
  const store = ctx.data.stores.find((s) => s.id === storeId);
  // Ticked boxes outside the request (a forged form) grant nothing: only what was asked can be given.
  const ticked = new Set(form.get('scope') ?? []);
  const granted = pending.scope.filter((s) => ticked.has(s));
  if (decision !== 'approve' || !store || (pending.storeId !== undefined && store.id !== pending.storeId) || granted.length === 0) {
    // Show the page again with a fresh token: the merchant fixes the choice and goes on.
    const again = addPending(ctx.state, { ...pending });
    const message =
      decision !== 'approve'
        ? 'Choose Approve or Deny.'
        : store && pending.storeId !== undefined && store.id !== pending.storeId
          ? 'This app asked for access to the store below only.'
          : store
            ? 'Allow at least one permission, or choose Deny.'
            : storeId
              ? 'That store is not one of yours. Choose one of the stores below.'
              : 'Choose a store before you approve.';
    sendConsentPage(ctx, res, 400, client, again, message);
    return;
  }
  const code = issueCode(ctx.state, pending, { merchant: ctx.data.merchant.id, storeId: store.id, scope: granted, refreshable: refreshable(client) });
  ctx.logger.info('authorization approved', { client_id: client.client_id, store_id: store.id, narrowed: granted.length < pending.scope.length });
  redirect(res, 303, withParams(pending.redirectUri, responseParams(ctx, { code, state: pending.state })));
}
