/**
 * Sign-in: the authorization code flow with PKCE through the person's browser, and the
 * orchestration around it (one flow per issuer across processes, a client that the AS still
 * knows, client-choice.ts; no grant stored until the token exchange succeeded).
 *
 * The browser comes back to a one-shot server on the loopback port registered with the
 * client (loopback.ts, CONTRACT AC3), or, with --paste, the person copies the final address
 * from the browser into stdin. The answer must carry our `state`; `iss` is checked when it
 * is there and required only from an AS that advertises RFC 9207 (A7); oauth4webapi's
 * validateAuthResponse does both.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8252 (native apps: system browser, loopback redirect)
 * @see https://www.rfc-editor.org/rfc/rfc7636 (PKCE)
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.1 (state, PKCE S256, iss)
 */
import { on } from 'node:events';
import { createInterface } from 'node:readline';
import * as oauth from 'oauth4webapi';
import { WhataloError, isWhataloError } from '../errors.js';
import { translator } from '../i18n/index.js';
import type { Logger } from '../log.js';
import { joinScopes } from '../scopes.js';
import { presentAuthorizationUrl } from './browser.js';
import { type StoredTokens, tokensFromResponse } from './grant.js';
import { type TokenInfo, introspectToken } from './introspection.js';
import { withLock } from './lock.js';
import { revokeTokens } from './revocation.js';
import { type ClientChoiceDeps, clientForSignIn } from './client-choice.js';
import { type CallbackPage, type CallbackServer, callbackPages } from './loopback.js';
import { type ClientCredentials, type HttpDeps, clientAuth, isInvalidClient, oauthFailure, requestOptions, waitOnceIfRateLimited } from './oauth.js';
import { CLIENT_NAME, type Registration } from './registration.js';
import { type SessionState, lockPath } from './session.js';
import { readStoreName } from './store-name.js';

/** How the person pastes the final address (the `login --paste` command). */
export interface PasteIO {
  input: NodeJS.ReadableStream;
  /** Prompts and complaints about what was pasted. */
  write(text: string): void;
}

export interface FlowOptions {
  as: oauth.AuthorizationServer;
  issuer: URL;
  client: ClientCredentials;
  /** This flow's `state`; the callback server was started with it. */
  state: string;
  /** Exactly as registered: the callback server's, or the paste one. */
  redirectUri: string;
  /** The loopback receiver (absent with `paste`); the flow closes it. */
  callback?: CallbackServer;
  /** Space-separated; empty = no scope parameter (the AS's default). */
  scope: string;
  /** The store the grant must be for: a hint to the consent page as `whatalo_store_id`, which nothing relies on (CONTRACT AC5). */
  storeId?: string;
  /** The RFC 8707 resource, on the authorization and the code request. */
  resource: string | undefined;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Shows the authorization URL; called exactly once per flow. */
  present(url: string): Promise<void>;
  paste?: PasteIO;
  logger: Logger;
  http: HttpDeps;
}

export interface FlowResult {
  response: oauth.TokenEndpointResponse;
  /** Answers the browser and closes the callback server (loopback); call exactly once, after the result was stored. */
  respond(page: CallbackPage): void;
}

/** The authorization request URL. @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1 */
function authorizationUrl(as: oauth.AuthorizationServer, params: Record<string, string>): string {
  const url = new URL(as.authorization_endpoint!);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.href;
}

/** Reads lines from the person until one is the address the browser ended on for this flow's `state`. */
async function readPastedUrl(paste: PasteIO, state: string, redirectUri: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<URL> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const lines = createInterface({ input: paste.input, terminal: false });
  try {
    // The iteration ends when the input does; lines read before that are still delivered.
    const pasted = on(lines, 'line', { close: ['close'], signal: signal ? AbortSignal.any([signal, timeout]) : timeout }) as AsyncIterable<[string]>;
    for await (const [line] of pasted) {
      const text = line.trim();
      if (text === '') continue;
      let url: URL | undefined;
      try {
        url = new URL(text);
      } catch {
        url = undefined;
      }
      if (!url || url.pathname !== '/callback' || !(url.searchParams.has('code') || url.searchParams.has('error'))) {
        paste.write(`That is not the address of the sign-in answer. Paste the whole address that starts with ${redirectUri}?\n`);
        continue;
      }
      if (!url.searchParams.getAll('state').includes(state)) {
        paste.write('That address belongs to another sign-in, not this one. Paste the address the browser shows after you approve this sign-in:\n');
        continue;
      }
      return url;
    }
  } catch (error) {
    if (signal?.aborted) throw new WhataloError('CANCELLED', 'The sign-in was cancelled.');
    if (timeout.aborted)
      throw new WhataloError('SIGN_IN_TIMEOUT', `No address was pasted within ${Math.round(timeoutMs / 1000)} seconds.`, {
        hint: 'Run `whatalo-mcp login --paste` again.',
      });
    throw error;
  } finally {
    lines.close();
  }
  throw new WhataloError('SIGN_IN_FAILED', 'The input ended before the address of the sign-in answer was pasted; nothing was stored.', {
    hint: 'Run `whatalo-mcp login --paste` again.',
  });
}

/**
 * One run of the authorization code flow: PKCE S256, state, the browser (or paste), the
 * checks of the answer, and the code exchange. Stores nothing.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1
 */
export async function authorizationCodeFlow(options: FlowOptions): Promise<FlowResult> {
  const { as, issuer, paste, state, redirectUri } = options;
  const server = options.callback;
  const client: oauth.Client = { client_id: options.client.client_id };
  let handedOver = false;
  try {
    const verifier = oauth.generateRandomCodeVerifier();
    const challenge = await oauth.calculatePKCECodeChallenge(verifier);
    const url = authorizationUrl(as, {
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: redirectUri,
      ...(options.scope ? { scope: options.scope } : {}),
      ...(options.resource === undefined ? {} : { resource: options.resource }),
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...(options.storeId ? { whatalo_store_id: options.storeId } : {}),
    });
    // Listen before showing the link: a host may resolve its elicitation only after the person
    // has already come back through the browser.
    let respond: (page: CallbackPage) => void = () => {};
    const answered: Promise<URL> = server
      ? server.waitForCallback({ timeoutMs: options.timeoutMs, signal: options.signal }).then((callback) => {
          respond = (page) => callback.respond(page);
          return callback.url;
        })
      : readPastedUrl(paste!, state, redirectUri, options.timeoutMs, options.signal);
    answered.catch(() => {}); // observed below; must not count as unhandled meanwhile
    // A presenter may finish only once the person is back (a host's elicitation, or the
    // embedded sandbox's stand-in browser, whose request is answered after the exchange), so
    // the callback is not made to wait for it; its failure still ends the flow.
    const shown = options.present(url);
    shown.catch(() => {}); // a failure after the callback arrived changes nothing
    const presentFailed = shown.then(() => new Promise<never>(() => {}));
    let answer: URL;
    try {
      answer = await Promise.race([answered, presentFailed]);
    } catch (error) {
      if (isWhataloError(error, 'SIGN_IN_TIMEOUT')) {
        throw new WhataloError('SIGN_IN_TIMEOUT', error.message, { hint: error.hint, cause: error, details: { authorization_url: url } });
      }
      throw error;
    }

    let params: URLSearchParams;
    try {
      rejectEmptyIssuer(answer);
      params = oauth.validateAuthResponse(as, client, answer, state);
    } catch (error) {
      const failure = oauthFailure(error, 'authorization', issuer);
      // Deny is a choice, not a failure: a calm page that says nothing was shared.
      const denied = failure.details && 'oauth_error' in failure.details && failure.details.oauth_error === 'access_denied';
      respond(denied ? callbackPages().denied({ app: CLIENT_NAME }) : callbackPages().failed(failure.message));
      throw failure;
    }
    if (!params.get('code')) {
      // Right state and iss but no code and no error: the answer is broken, not the exchange.
      const failure = new WhataloError('SIGN_IN_FAILED', `Whatalo at ${issuer.origin} sent the browser back without an authorization code.`, {
        hint: 'Try `whatalo-mcp login` again.',
      });
      respond(callbackPages().failed(failure.message));
      throw failure;
    }
    try {
      // A 429 is waited for once (CONTRACT B6): the code is still unused, and asking again is the only way to keep it.
      const answer = await waitOnceIfRateLimited(
        async () => {
          const response = await oauth.authorizationCodeGrantRequest(as, client, clientAuth(options.client), params, redirectUri, verifier, {
            ...requestOptions(issuer, options.http),
            ...(options.resource === undefined ? {} : { additionalParameters: { resource: options.resource } }),
          });
          return oauth.processAuthorizationCodeResponse(as, client, response);
        },
        { signal: options.signal },
      );
      const result = { response: answer, respond };
      handedOver = true;
      return result;
    } catch (error) {
      const failure = oauthFailure(error, 'code', issuer);
      respond(callbackPages().failed(failure.message));
      throw failure;
    }
  } finally {
    // respond() answers the browser and closes the server; the caller calls it once the grant is
    // stored, so the page tells the truth. On every other path the server closes here.
    if (!handedOver) void server?.close();
  }
}

// --- orchestration ------------------------------------------------------------------------

/** The session's own dependencies (minus the store, reached through it), plus the session. */
export interface SignInDeps extends ClientChoiceDeps {
  /** Stands in for the system browser (the embedded sandbox completes its own consent);
   *  default: presentAuthorizationUrl, which honours BROWSER. */
  openBrowser?: (url: string) => Promise<void>;
}

export interface SignInRequest {
  scopes: readonly string[];
  /** A grant that another process stored meanwhile is used instead of a new flow when this says so. */
  reuse(tokens: StoredTokens): boolean;
  /** The store the grant must be for (a step-up, or `login` while signed in); a grant for
   *  another store is revoked, nothing is stored, and STORE_MISMATCH says so. Absent: any store. */
  storeId?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** URL-mode elicitation; when absent or failing, the browser (BROWSER honoured). */
  presentUrl?: (url: string) => Promise<void>;
  onProgress?: (message: string) => void;
  paste?: PasteIO;
}

export interface SignInResult {
  state: SessionState;
  /** What was stored before this sign-in replaced it (to revoke), null when nothing or reused. */
  previous: SessionState | null;
  /** True when another process's new grant was used and no flow ran. */
  reused: boolean;
  /** The new access token's introspection, and when it was asked (local ms), when a flow ran. */
  introspected?: { info: TokenInfo; at: number };
}

/** A sign-in that granted another store than the one it was for. */
export function storeMismatch(wanted: string, granted: string): WhataloError {
  return new WhataloError('STORE_MISMATCH', translator().t('error.storeMismatch', { wanted, granted }), {
    hint: translator().t('error.storeMismatchHint'),
    details: { reason: 'store_mismatch', wanted_store_id: wanted, granted_store_id: granted },
  });
}

/** A slow API costs the success page the store's name, never the sign-in. */
const STORE_NAME_TIMEOUT_MS = 3_000;

/**
 * The store's name for the success page: GET /v1/store once, bounded, when the grant may read
 * it (direct mode only: a remote server's API is not Whatalo's). Null otherwise, and the page
 * names the store by its id.
 */
async function storeNameFor(deps: SignInDeps, token: string, storeId: string | null, scopes: readonly string[] | undefined): Promise<string | null> {
  if (!storeId || deps.config.remoteUrl || (scopes && !scopes.includes('read:store'))) return null;
  return readStoreName(deps.config, deps.logger, { token, storeId }, STORE_NAME_TIMEOUT_MS);
}

/** Revokes a just-issued grant that will not be stored; a failure only leaves it to expire. */
async function revokeUnwanted(
  as: oauth.AuthorizationServer,
  deps: SignInDeps,
  registration: Registration,
  response: oauth.TokenEndpointResponse,
): Promise<void> {
  const tokens = tokensFromResponse(response, deps.now(), { scope: response.scope ?? '' });
  const { client_secret: _secret, ...client } = registration;
  const unwanted: SessionState = {
    client,
    account: '',
    grant: { version: 1, client_secret: registration.client_secret, tokens },
  };
  const outcome = await revokeTokens(as, deps.target.issuer, unwanted, deps.http).catch((error: unknown) => ({ revoked: false, problem: String(error) }));
  if (!outcome.revoked) deps.logger.warn(`the grant for the other store could not be revoked (${outcome.problem ?? 'unknown reason'}); it expires on its own`);
}

/**
 * Remote mode: the remote server checks its own tokens, but when its AS lets this client
 * introspect (Whatalo does for confidential clients, CONTRACT A11) the grant can still name its
 * store for `status`. Best effort: any failure or an inactive answer is "no store known".
 */
async function remoteGrantInfo(deps: SignInDeps, as: oauth.AuthorizationServer, registration: Registration, token: string): Promise<TokenInfo | null> {
  if (!as.introspection_endpoint || registration.client_secret === null) return null;
  try {
    const info = await introspectToken(as, deps.target.issuer, registration, token, deps.http, deps.target.resource);
    return info.active ? info : null;
  } catch (error) {
    deps.logger.debug('the remote grant could not be introspected; its store stays unknown', { error });
    return null;
  }
}

/**
 * Signs in, once per issuer across processes: holds the sign-in lock, and after taking it
 * re-reads the store, so a process that waited for another's sign-in uses its grant instead
 * of opening a second browser tab.
 */
export async function signIn(deps: SignInDeps, request: SignInRequest): Promise<SignInResult> {
  const { config, logger, session, target } = deps;
  const progress = (message: string) => request.onProgress?.(message);
  try {
    return await withLock(
      lockPath(config.configDir, 'signin', session.key),
      async () => {
        let stored: SessionState | null = null;
        try {
          stored = await session.load();
        } catch (error) {
          // An unreadable record is replaced by this sign-in.
          logger.warn(isWhataloError(error) ? error.message : 'the stored grant is unreadable; signing in afresh');
        }
        const tokens = stored?.grant.tokens;
        if (stored && tokens && request.reuse(tokens) && (!request.storeId || tokens.store_id === request.storeId)) {
          logger.info('using the sign-in another whatalo-mcp process just completed');
          return { state: stored, previous: null, reused: true };
        }

        const as = await deps.server();
        const state = oauth.generateRandomState();
        const { registration, redirectUri, callback } = await clientForSignIn(deps, as, stored, {
          scopes: request.scopes,
          state,
          paste: request.paste !== undefined,
        });
        const scope = joinScopes(request.scopes);
        const flow = await authorizationCodeFlow({
          as,
          issuer: target.issuer,
          client: registration,
          state,
          redirectUri,
          ...(callback ? { callback } : {}),
          scope,
          ...(request.storeId ? { storeId: request.storeId } : {}),
          resource: target.resource,
          timeoutMs: request.timeoutMs,
          signal: request.signal,
          paste: request.paste,
          logger,
          http: deps.http,
          present: async (url) => {
            if (request.paste) {
              await presentAuthorizationUrl(url, { browser: 'none', logger, write: (line) => request.paste!.write(line + '\n') });
              request.paste.write(translator().t('signin.pasteAfter', { redirectUri }));
              return;
            }
            if (request.presentUrl) {
              try {
                await request.presentUrl(url);
                progress(translator().t('signin.waiting'));
                return;
              } catch (error) {
                // The person said no: opening a browser behind their back would overrule them.
                // So did a host that went away meanwhile: a browser tab now would be a dead link.
                if (isWhataloError(error) || request.signal?.aborted) throw error;
                logger.debug('the client could not show the sign-in link; opening the browser', { error });
              }
            }
            if (deps.openBrowser) await deps.openBrowser(url);
            else await presentAuthorizationUrl(url, { browser: config.browser, logger });
            // After the URL, so the person reads what to open before being told to wait for it.
            progress(translator().t('signin.waiting'));
          },
        }).catch(async (error: unknown) => {
          // The AS no longer knows this client: the next sign-in must not offer it again.
          if (isInvalidClient(error)) await session.forgetClient(registration.client_id).catch(() => {});
          throw error;
        });

        try {
          const askedAt = deps.now();
          const info = target.introspect
            ? await introspectToken(as, target.issuer, registration, flow.response.access_token, deps.http, target.resource)
            : await remoteGrantInfo(deps, as, registration, flow.response.access_token);
          if (info && !info.active)
            throw new WhataloError('AS_PROTOCOL', `Whatalo at ${target.issuer.origin} issued an access token that introspection calls inactive.`);
          if (info && request.storeId && info.storeId !== request.storeId) {
            // The AS ignored the store we asked for (or the person chose another): this grant
            // must not replace the one the call was for, nor stay alive unused at the AS.
            await revokeUnwanted(as, deps, registration, flow.response);
            throw storeMismatch(request.storeId, info.storeId);
          }
          const now = deps.now();
          const fresh: StoredTokens = {
            ...tokensFromResponse(flow.response, now, { scope }),
            store_id: info?.storeId ?? null,
            merchant: info?.merchant ?? null,
            signed_in_at: now,
          };
          const previous = await session.storeSignIn(registration, fresh);
          const storeName = await storeNameFor(deps, flow.response.access_token, fresh.store_id, info?.scopes);
          flow.respond(callbackPages().signedIn({ app: CLIENT_NAME, storeId: fresh.store_id, storeName }));
          progress(translator().t('signin.stored'));
          return { state: session.peek()!, previous, reused: false, ...(info ? { introspected: { info, at: askedAt } } : {}) };
        } catch (error) {
          flow.respond(callbackPages().failed(isWhataloError(error) ? error.message : translator().t('signin.notCompleted')));
          throw error;
        }
      },
      {
        waitMs: request.timeoutMs,
        signal: request.signal,
        onWait: () => progress(translator().t('signin.otherProcess')),
      },
    );
  } catch (error) {
    if (isWhataloError(error, 'CREDENTIAL_STORE') && error.details?.reason === 'lock_timeout') {
      throw new WhataloError('SIGN_IN_TIMEOUT', 'Another whatalo-mcp is still signing in to Whatalo and did not finish in time.', {
        hint: 'Finish the sign-in in the browser window it opened, then try again.',
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * oauth4webapi reads an empty `iss` as no `iss` at all; RFC 9207 §2.4 compares any `iss` that
 * is present, and an empty one names no issuer, so it is a mix-up, not an omission.
 */
function rejectEmptyIssuer(answer: URL): void {
  if (answer.searchParams.getAll('iss').includes('')) {
    throw new oauth.OperationProcessingError('unexpected "iss" (issuer) response parameter value', { code: oauth.INVALID_RESPONSE });
  }
}
