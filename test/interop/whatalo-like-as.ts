/**
 * panva's oidc-provider (OpenID-certified, written by no one here) configured like Whatalo's
 * AS: DCR, PKCE S256 only, opaque access tokens for one resource (RFC 8707: the API's origin,
 * as Whatalo names `https://api.whatalo.com`, CONTRACT A15),
 * a refresh token with every grant, rotated on each use, introspection that names the store
 * (`whatalo_store_id`), revocation. Beside it, an API v1 stand-in that accepts exactly the
 * tokens this AS issued for it, by introspecting them there as a resource server would.
 *
 * Interactions (login, consent) are approved at once for one merchant, like the sandbox's
 * --auto-approve: the test BROWSER follows the redirects with the AS's cookies.
 */
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import Provider from 'oidc-provider';
import { ALL_SCOPES } from '../../src/scopes.js';

export const MERCHANT = 'usr_interop_merchant';
export const STORE = { id: 'str_interop01', name: 'Interop Test Store', currency: 'USD' } as const;
/** The API stand-in's own client at the AS, used only to introspect. */
const API_CLIENT = { client_id: 'whatalo-api-v1', client_secret: 'the API stand-in introspects with this secret' };

export interface WhataloLikeOptions {
  /** token_endpoint_auth_methods_supported, in that order. */
  authMethods: string[];
  /** false: no registration endpoint (the client must be pre-registered). */
  registration?: boolean;
  /** Clients known before any registration, as oidc-provider's `clients`. */
  clients?: Record<string, unknown>[];
  /** Access token lifetime in seconds (Whatalo: 3600). */
  accessTokenTtl?: number;
}

export interface WhataloLikeAs {
  issuer: URL;
  /** The API v1 base the stand-in serves; its origin is the one resource the AS issues tokens for. */
  apiBase: URL;
  resource: string;
  /** Every access and refresh token the AS issued, in order (the test's view of the AS's store). */
  issued: { kind: 'AccessToken' | 'RefreshToken'; value: string }[];
  /** Successful grants at the token endpoint, by grant_type. */
  grants: string[];
  /** Bearer tokens the API stand-in accepted. */
  apiAccepted: string[];
  /** RFC 7662 introspection of any token, as the resource server sees it. */
  introspect(token: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

async function listen(server: http.Server): Promise<URL> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
}

export async function startWhataloLikeAs(options: WhataloLikeOptions): Promise<WhataloLikeAs> {
  const asServer = http.createServer();
  const apiServer = http.createServer();
  const issuer = await listen(asServer);
  const apiBase = new URL('/api/v1', await listen(apiServer));
  const resource = apiBase.origin;

  const provider = new Provider(issuer.origin, {
    // client_secret_post: every configuration the tests use lists it (one lists nothing else).
    clients: [
      { ...API_CLIENT, token_endpoint_auth_method: 'client_secret_post', redirect_uris: [], grant_types: [], response_types: [] },
      ...(options.clients ?? []),
    ],
    clientAuthMethods: options.authMethods,
    // Whatalo's fifteen (A3), so a registration's `scope` ceiling (AC4) names scopes this AS knows.
    scopes: ['openid', 'offline_access', ...ALL_SCOPES],
    cookies: { keys: ['interop test cookie key'] },
    findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
    features: {
      registration: { enabled: options.registration ?? true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        // One resource, as Whatalo's policy: a token for anything else is refused (invalid_target).
        getResourceServerInfo: (_ctx: unknown, indicator: string) => {
          if (indicator !== resource) throw new Provider.errors.InvalidTarget(`unknown resource ${indicator}`);
          return { scope: ALL_SCOPES.join(' '), accessTokenFormat: 'opaque', audience: resource };
        },
      },
    },
    pkce: { required: () => true },
    // Whatalo issues a refresh token with every grant (no offline_access scope) and rotates it on each use.
    issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: () => true,
    extraTokenClaims: () => ({ whatalo_store_id: STORE.id }),
    ttl: { AccessToken: options.accessTokenTtl ?? 3600, RefreshToken: 86_400, Grant: 86_400, Session: 3600, Interaction: 600 },
  });

  const as: WhataloLikeAs = {
    issuer,
    apiBase,
    resource,
    issued: [],
    grants: [],
    apiAccepted: [],
    async introspect(token) {
      const response = await fetch(new URL('/token/introspection', issuer), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...API_CLIENT, token }),
      });
      const answer = (await response.json()) as Record<string, unknown>;
      if (!response.ok) throw new Error(`the API stand-in could not introspect: ${JSON.stringify(answer)}`);
      return answer;
    },
    async close() {
      await Promise.all([asServer, apiServer].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
  // Opaque tokens: the value is the jti.
  provider.on('access_token.saved', (token: { jti: string }) => as.issued.push({ kind: 'AccessToken', value: token.jti }));
  provider.on('refresh_token.saved', (token: { jti: string }) => as.issued.push({ kind: 'RefreshToken', value: token.jti }));
  provider.on('grant.success', (ctx: { oidc: { params: { grant_type: string } } }) => as.grants.push(ctx.oidc.params.grant_type));

  const callback = provider.callback();
  asServer.on('request', (req, res) => {
    // oidc-provider takes Basic and body secrets alike from any confidential client, whatever it
    // lists; an AS that lists only client_secret_post may refuse Basic, so this one does.
    if (!options.authMethods.includes('client_secret_basic') && /^basic /i.test(req.headers.authorization ?? '')) {
      return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"invalid_client","error_description":"Basic is not supported"}');
    }
    if (req.url?.startsWith('/interaction/')) approve(provider, resource, req, res).catch((error: unknown) => fail(res, 500, String(error)));
    else callback(req, res);
  });
  apiServer.on('request', (req, res) => serveApi(as, req, res).catch((error: unknown) => fail(res, 500, String(error))));
  return as;
}

/** Login as MERCHANT, then consent to every scope asked for the resource, at once. */
async function approve(provider: Provider, resource: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'login') {
    await provider.interactionFinished(req, res, { login: { accountId: MERCHANT } }, { mergeWithLastSubmission: false });
    return;
  }
  const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId: MERCHANT, clientId: details.params.client_id });
  if (!grant) throw new Error('the interaction names a grant the AS does not have');
  const missing = details.prompt.details.missingResourceScopes ?? {};
  for (const [indicator, scopes] of Object.entries(missing)) {
    if (indicator === resource) grant.addResourceScope(indicator, scopes.join(' '));
  }
  const missingOidc = details.prompt.details.missingOIDCScope;
  if (missingOidc) grant.addOIDCScope(missingOidc.join(' '));
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

/** GET /store, for a bearer the AS calls active, for this resource, with read:store; the token alone names the store (CONTRACT V1). */
async function serveApi(as: WhataloLikeAs, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (!bearer) return fail(res, 401, 'no bearer token');
  const info = await as.introspect(bearer);
  if (info.active !== true || info.aud !== as.resource) return fail(res, 401, 'the token is not active for this API');
  // No store header is documented; a client that still sends one must not name another store.
  const header = req.headers['x-whatalo-store-id'];
  if (header !== undefined && header !== info.whatalo_store_id) return fail(res, 403, 'the store header does not match the token');
  if (!String(info.scope).split(' ').includes('read:store')) return fail(res, 403, 'insufficient_scope');
  if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://x').pathname !== `${as.apiBase.pathname}/store`) return fail(res, 404, 'not_found');
  as.apiAccepted.push(bearer);
  const store = { ...STORE, country: 'US', timezone: 'America/New_York', url: 'https://interop.example', created_at: '2024-01-01T00:00:00Z' };
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: store }));
}

function fail(res: http.ServerResponse, status: number, message: string): void {
  if (res.headersSent) return void res.end();
  const code = status === 401 ? 'unauthorized' : status === 403 && message === 'insufficient_scope' ? 'insufficient_scope' : 'error';
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ statusCode: status, code, message }));
}
