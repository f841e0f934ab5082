/**
 * Which client a sign-in uses and where the browser comes back to it (CONTRACT A5, A6, AC3,
 * AC4): a client configured by hand, else the kept registration whose exact loopback port can
 * be bound again, else one new registration, kept at once. Whatalo matches redirect URIs
 * exactly and allows 10 registrations per IP per hour, so a port is kept with its
 * registration and a failed sign-in never costs a second one.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7591 (dynamic registration)
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3 (loopback redirects)
 */
import * as oauth from 'oauth4webapi';
import { WhataloError } from '../errors.js';
import { joinScopes } from '../scopes.js';
import { introspectToken } from './introspection.js';
import { type CallbackServer, type LoopbackHost, isPortTaken, loopbackRedirectUri, parseLoopbackRedirectUri, startCallbackServer } from './loopback.js';
import { isInvalidClient, oauthErrorOf } from './oauth.js';
import {
  type RegisteredClient,
  type Registration,
  nativeClientMetadata,
  preferredAuthMethod,
  registerClient,
  registrationExpired,
  scopeWithin,
} from './registration.js';
import type { Session, SessionDeps, SessionState } from './session.js';

/**
 * The port of the --paste redirect. Port 1 is on every major browser's list of ports it
 * refuses to connect to, so no local process can receive the code; the browser shows an
 * error page with the full address in its address bar, which is what the person copies.
 * Every registration lists it beside the loopback redirect, so one client serves both ways
 * of signing in (Whatalo matches redirect URIs exactly, CONTRACT A6).
 */
export const PASTE_PORT = 1;

/** What choosing a client needs: the session's dependencies (minus the store, reached through the session). */
export interface ClientChoiceDeps extends Omit<SessionDeps, 'store'> {
  session: Session;
  /** The scope a new registration names beside the request's: every enabled tool's (CONTRACT AC4). */
  registeredScopes?: readonly string[];
}

/**
 * The client configured by hand (WHATALO_CLIENT_ID / WHATALO_CLIENT_SECRET): used as is, with
 * the method the AS lists for a client with a secret, or as a public client without one, and
 * the redirect registered with it (WHATALO_REDIRECT_URI) when one is named.
 */
function configuredClient(deps: ClientChoiceDeps, as: oauth.AuthorizationServer): Registration | null {
  const { clientId, clientSecret } = deps.config;
  if (!clientId) return null;
  const method = clientSecret ? preferredAuthMethod(as, deps.target.issuer, false) : 'none';
  return {
    client_id: clientId,
    client_secret: clientSecret ?? null,
    token_endpoint_auth_method: method,
    client_id_issued_at: null,
    client_secret_expires_at: null,
    redirect_uris: deps.config.redirectUri ? [deps.config.redirectUri] : null,
    scope: null,
  };
}

/**
 * A Client ID Metadata Document: the client_id is an https URL the AS fetches, so there is
 * nothing to register and no secret (a public client). Used only when the AS advertises
 * support and WHATALO_CLIENT_METADATA_URL names the document.
 * @see https://datatracker.ietf.org/doc/draft-ietf-oauth-client-id-metadata-document/
 */
function metadataDocumentClient(deps: ClientChoiceDeps, as: oauth.AuthorizationServer): Registration | null {
  const url = deps.config.clientMetadataUrl;
  if (!url || as.client_id_metadata_document_supported !== true) return null;
  return {
    client_id: url.href,
    client_secret: null,
    token_endpoint_auth_method: 'none',
    client_id_issued_at: null,
    client_secret_expires_at: null,
    redirect_uris: null,
    scope: null,
  };
}

/** A client for one sign-in and where the browser comes back to it. */
export interface SignInClient {
  registration: Registration;
  /** Exactly as registered. */
  redirectUri: string;
  /** The loopback receiver, already listening; absent with --paste. */
  callback?: CallbackServer;
}

/** The loopback redirect a registration names (host and exact port), other than the paste one. */
function loopbackOf(client: RegisteredClient): { host: LoopbackHost; port: number } | undefined {
  for (const uri of client.redirect_uris ?? []) {
    const loopback = parseLoopbackRedirectUri(uri);
    if (loopback && loopback.port !== PASTE_PORT) return loopback;
  }
  return undefined;
}

/** True when the AS refused a registration for its redirect URI or metadata: the case of an AS that takes `localhost` only (CONTRACT AC3). */
function refusedRedirect(error: unknown): boolean {
  const code = oauthErrorOf(error);
  return code === 'invalid_redirect_uri' || code === 'invalid_client_metadata';
}

/**
 * Whether the AS still knows `client`: an introspection of a random value, which a live
 * confidential client gets `active: false` for and a forgotten one `invalid_client`. Without
 * it an expired registration would end on an error page the flow cannot see. Whatalo
 * introspects for confidential clients only (A11), so a public one is not probed.
 */
async function stillRegistered(deps: ClientChoiceDeps, as: oauth.AuthorizationServer, client: Registration): Promise<boolean> {
  if (!as.introspection_endpoint || client.token_endpoint_auth_method === 'none') return true;
  try {
    await introspectToken(as, deps.target.issuer, client, oauth.generateRandomState(), deps.http);
    return true;
  } catch (error) {
    if (!isInvalidClient(error)) throw error;
    deps.logger.info('the kept registration is no longer accepted; it is forgotten');
    await deps.session.forgetClient(client.client_id);
    return false;
  }
}

/**
 * The client for this sign-in and its redirect (CONTRACT AC3, AC4, A5):
 * - one configured by hand or by metadata document, as it is, with an ephemeral port;
 * - else the stored grant's client, then the kept pending one, each only if it has not
 *   expired, names an exact loopback port, registered a scope that covers `scopes`, its port
 *   can be bound again, and the AS still knows it;
 * - else ONE new registration on a fresh port, kept at once so no failure later in this
 *   sign-in costs another. If the AS refuses 127.0.0.1, the same registration is asked once
 *   more with `localhost` (both loopback addresses listening); nothing else is retried.
 * The callback server returned is listening with `state`.
 */
export async function clientForSignIn(
  deps: ClientChoiceDeps,
  as: oauth.AuthorizationServer,
  stored: SessionState | null,
  wanted: { scopes: readonly string[]; state: string; paste: boolean },
): Promise<SignInClient> {
  const { logger } = deps;
  const { state, paste } = wanted;
  const fixed = configuredClient(deps, as) ?? metadataDocumentClient(deps, as);
  if (fixed) {
    // Registered elsewhere: the redirect named with it (WHATALO_REDIRECT_URI), exactly; else
    // 127.0.0.1 on an ephemeral port, for an AS that matches loopback ports loosely (RFC 8252 §7.3).
    const named = fixed.redirect_uris ? loopbackOf(fixed) : undefined;
    if (paste) return { registration: fixed, redirectUri: loopbackRedirectUri(named?.host ?? '127.0.0.1', PASTE_PORT) };
    let callback: CallbackServer;
    try {
      callback = await startCallbackServer({ state, logger, ...(named ?? {}) });
    } catch (error) {
      if (!named || !isPortTaken(error)) throw error;
      throw new WhataloError(
        'CONFIG_INVALID',
        `Port ${named.port} of WHATALO_REDIRECT_URI is in use by another program, so the sign-in cannot receive its answer.`,
        {
          hint: 'Stop that program, or register another loopback redirect for this client and set WHATALO_REDIRECT_URI to it.',
        },
      );
    }
    return { registration: fixed, redirectUri: callback.redirectUri, callback };
  }

  const candidates: Registration[] = [];
  if (stored) candidates.push({ ...stored.client, client_secret: stored.grant.client_secret });
  const pending = await deps.session.loadPending().catch((error: unknown) => {
    logger.debug('the kept registration cannot be read; it is not used', { error });
    return null;
  });
  if (pending && pending.client_id !== stored?.client.client_id) candidates.push(pending);
  for (const candidate of candidates) {
    const loopback = loopbackOf(candidate);
    if (registrationExpired(candidate, deps.now())) continue;
    if (!loopback) {
      logger.info('the kept registration names no exact loopback port (registered by an older version); registering once more');
      continue;
    }
    if (!scopeWithin(candidate, wanted.scopes)) {
      logger.info('the kept registration does not cover the scopes asked for; registering once more with them');
      continue;
    }
    const pasteUri = loopbackRedirectUri(loopback.host, PASTE_PORT);
    if (paste && !candidate.redirect_uris!.includes(pasteUri)) continue;
    let callback: CallbackServer | undefined;
    if (!paste) {
      try {
        callback = await startCallbackServer({ state, host: loopback.host, port: loopback.port, logger });
      } catch (error) {
        if (!isPortTaken(error)) throw error;
        logger.info(`port ${loopback.port} of the kept registration is in use by another program; registering once more with a free port`);
        continue;
      }
    }
    try {
      if (!(await stillRegistered(deps, as, candidate))) {
        await callback?.close();
        continue;
      }
    } catch (error) {
      await callback?.close();
      throw error;
    }
    return { registration: candidate, redirectUri: callback?.redirectUri ?? pasteUri, ...(callback ? { callback } : {}) };
  }
  return registerForSignIn(deps, as, wanted);
}

/** The one registration of a sign-in (see clientForSignIn). */
async function registerForSignIn(
  deps: ClientChoiceDeps,
  as: oauth.AuthorizationServer,
  wanted: { scopes: readonly string[]; state: string; paste: boolean },
): Promise<SignInClient> {
  const { logger, target } = deps;
  if (!as.registration_endpoint) {
    throw new WhataloError(
      'CONFIG_INVALID',
      `The authorization server at ${target.issuer.href} does not offer dynamic client registration, so this app needs a client registered there.`,
      {
        hint:
          `Register a native app with the redirect URI http://127.0.0.1/callback (any port) at that server, then set WHATALO_CLIENT_ID (and ` +
          `WHATALO_CLIENT_SECRET when it has one).`,
      },
    );
  }
  const method = preferredAuthMethod(as, target.issuer);
  const scope = joinScopes([...(deps.registeredScopes ?? []), ...wanted.scopes]);
  for (const host of ['127.0.0.1', 'localhost'] as const) {
    const callback = await startCallbackServer({ state: wanted.state, host, logger });
    const redirectUris = [callback.redirectUri, loopbackRedirectUri(host, PASTE_PORT)];
    let registration: Registration;
    try {
      registration = await registerClient(
        as,
        target.issuer,
        { ...deps.http, logger },
        nativeClientMetadata({ redirect_uris: redirectUris, token_endpoint_auth_method: method, scope }),
      );
      await deps.session.storeRegistration(registration);
    } catch (error) {
      await callback.close();
      if (host === '127.0.0.1' && refusedRedirect(error)) {
        logger.info(`the authorization server refused the redirect ${callback.redirectUri} (${(error as Error).message}); asking once with localhost`);
        continue;
      }
      throw error;
    }
    logger.debug('registered with the authorization server', {
      client_id: registration.client_id,
      token_endpoint_auth_method: registration.token_endpoint_auth_method,
      redirect_uris: redirectUris,
    });
    if (!wanted.paste) return { registration, redirectUri: callback.redirectUri, callback };
    // The loopback port stays reserved in the registration for a later sign-in from the browser.
    await callback.close();
    return { registration, redirectUri: loopbackRedirectUri(host, PASTE_PORT) };
  }
  throw new Error('unreachable: the localhost attempt either returns or throws');
}
