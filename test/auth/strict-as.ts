/**
 * A small authorization server written from CONTRACT §1 alone, strict where Whatalo is
 * strict, for the broker tests the sandbox cannot stage: exact redirect matching (port
 * included, A6), required `client_name` and `redirect_uris` (A5), the registered `scope` as a
 * ceiling, a single `resource` that must be the API's origin (A15), introspection with the
 * ten documented fields for any confidential client (A11), 429 `rate_limit_exceeded` with
 * Retry-After on demand (A5, A8), and, on demand, an AS that takes `localhost` but not
 * 127.0.0.1, a merchant who grants fewer scopes than asked or declines, and `iss` on the
 * redirect (advertised or not). node:http on 127.0.0.1; everything it is asked is recorded.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isScope } from '../../src/scopes.js';

export const STRICT_STORE = 'str_k2m4n6p8';
export const STRICT_MERCHANT = 'usr_0123456789abcdef';

export interface StrictAsBehaviour {
  /** 'localhost-only': a 127.0.0.1 redirect is refused at registration as "not localhost". */
  loopback: 'ip-and-localhost' | 'localhost-only';
  /** What the merchant grants of what was asked (B3); default all of it. */
  grant(asked: string[]): string[];
  /** The merchant declines at the consent page (access_denied). */
  deny: boolean;
  /** `iss` on the redirect: not sent, sent, sent and advertised (RFC 9207), or advertised but not sent. */
  iss: 'absent' | 'sent' | 'advertised' | 'advertised-but-absent';
  /** Send a wrong `iss` on the redirect (when sent at all). */
  wrongIss: boolean;
  /** The next N registrations / token requests are answered 429 with this Retry-After (seconds, as written). */
  registerLimited: { count: number; retryAfter: string };
  tokenLimited: { count: number; retryAfter: string };
}

export interface Recorded {
  /** Every registration request body, refused or not. */
  registerRequests: Record<string, unknown>[];
  /** Clients registered (201). */
  clients: Map<string, { secret: string; metadata: Record<string, unknown> }>;
  authorizeRequests: URL[];
  tokenRequests: URLSearchParams[];
  introspections: number;
  revoked: string[];
  /** Every URL and body seen, to check what no request names. */
  wire: string[];
}

export interface StrictAs {
  issuer: string;
  apiBase: string;
  /** The resource the AS accepts: the API's origin. */
  resource: string;
  behaviour: StrictAsBehaviour;
  seen: Recorded;
  close(): Promise<void>;
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => ({ status, body, headers });
const oauthError = (status: number, error: string, description: string, headers: Record<string, string> = {}): Answer =>
  json(status, { error, error_description: description }, headers);

function token(): string {
  return randomBytes(32).toString('base64url');
}

export async function startStrictAs(overrides: Partial<StrictAsBehaviour> = {}): Promise<StrictAs> {
  const behaviour: StrictAsBehaviour = {
    loopback: 'ip-and-localhost',
    grant: (asked) => asked,
    deny: false,
    iss: 'absent',
    wrongIss: false,
    registerLimited: { count: 0, retryAfter: '60' },
    tokenLimited: { count: 0, retryAfter: '1' },
    ...overrides,
  };
  const seen: Recorded = { registerRequests: [], clients: new Map(), authorizeRequests: [], tokenRequests: [], introspections: 0, revoked: [], wire: [] };
  const codes = new Map<string, { clientId: string; redirectUri: string; scope: string[]; challenge: string; resource: string | undefined }>();
  const tokens = new Map<string, { kind: 'access' | 'refresh'; clientId: string; scope: string[]; resource: string | undefined; exp: number }>();
  let issuer = '';
  let resource = '';

  function authenticate(req: IncomingMessage, form: URLSearchParams): string | undefined {
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (basic && form.has('client_secret')) return undefined; // A8: never both
    let id: string | null;
    let secret: string | null;
    if (basic) {
      const [rawId = '', rawSecret = ''] = Buffer.from(basic, 'base64').toString('utf8').split(':');
      id = decodeURIComponent(rawId.replace(/\+/g, ' '));
      secret = decodeURIComponent(rawSecret.replace(/\+/g, ' '));
    } else {
      id = form.get('client_id');
      secret = form.get('client_secret');
    }
    const client = id ? seen.clients.get(id) : undefined;
    return client && secret !== null && client.secret === secret ? id! : undefined;
  }

  function register(body: string): Answer {
    let meta: Record<string, unknown>;
    try {
      meta = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return oauthError(400, 'invalid_client_metadata', 'the body is not JSON');
    }
    seen.registerRequests.push(meta);
    if (behaviour.registerLimited.count > 0) {
      behaviour.registerLimited.count--;
      return oauthError(429, 'rate_limit_exceeded', '10 registrations per hour', { 'retry-after': behaviour.registerLimited.retryAfter });
    }
    const uris = meta.redirect_uris;
    if (typeof meta.client_name !== 'string' || !Array.isArray(uris) || uris.length === 0) {
      return oauthError(400, 'invalid_request', 'client_name and redirect_uris are required');
    }
    for (const uri of uris as string[]) {
      const url = new URL(uri);
      const local = url.hostname === 'localhost' || (behaviour.loopback === 'ip-and-localhost' && url.hostname === '127.0.0.1');
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
        return oauthError(400, 'invalid_redirect_uri', `redirect_uris must use https except for localhost (got ${uri})`);
      }
    }
    if (typeof meta.scope === 'string' && !meta.scope.split(' ').every(isScope)) return oauthError(400, 'invalid_client_metadata', 'unknown scope');
    const clientId = randomBytes(18).toString('hex').slice(0, 24);
    const secret = token();
    const metadata = { grant_types: ['authorization_code'], ...meta };
    seen.clients.set(clientId, { secret, metadata });
    return json(201, {
      ...metadata,
      client_id: clientId,
      client_secret: secret,
      client_id_issued_at: Math.floor(Date.now() / 1000),
      client_secret_expires_at: 0,
    });
  }

  function authorize(url: URL): Answer {
    seen.authorizeRequests.push(url);
    const p = url.searchParams;
    const client = seen.clients.get(p.get('client_id') ?? '');
    const redirectUri = p.get('redirect_uri') ?? '';
    // A6: no redirect to a URI that is not registered exactly, port included.
    if (!client) return oauthError(400, 'invalid_client', 'unknown client');
    if (!(client.metadata.redirect_uris as string[]).includes(redirectUri)) return oauthError(400, 'invalid_redirect_uri', 'redirect_uri is not registered');
    const back = (params: Record<string, string>) => {
      const target = new URL(redirectUri);
      for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
      if (behaviour.iss === 'sent' || behaviour.iss === 'advertised')
        target.searchParams.set('iss', behaviour.wrongIss ? 'https://app.whatalo.example' : issuer);
      return { status: 302, headers: { location: target.href } };
    };
    const state = p.get('state') ?? '';
    const scope = (p.get('scope') ?? '').split(' ').filter(Boolean);
    if (p.get('response_type') !== 'code' || !state || p.get('code_challenge_method') !== 'S256' || !p.get('code_challenge')) {
      return back({ error: 'invalid_request', state });
    }
    const ceiling = typeof client.metadata.scope === 'string' ? client.metadata.scope.split(' ') : undefined;
    if (scope.length === 0 || !scope.every(isScope) || (ceiling && !scope.every((s) => ceiling.includes(s)))) return back({ error: 'invalid_scope', state });
    const asked = p.getAll('resource');
    if (asked.length > 1 || (asked[0] !== undefined && asked[0] !== resource)) return back({ error: 'invalid_target', state });
    if (behaviour.deny) return back({ error: 'access_denied', state });
    const code = token();
    codes.set(code, { clientId: p.get('client_id')!, redirectUri, scope: behaviour.grant(scope), challenge: p.get('code_challenge')!, resource: asked[0] });
    return back({ code, state });
  }

  function issue(clientId: string, scope: string[], res: string | undefined): Answer {
    const access = token();
    const refresh = token();
    const exp = Math.floor(Date.now() / 1000) + 3600;
    tokens.set(access, { kind: 'access', clientId, scope, resource: res, exp });
    tokens.set(refresh, { kind: 'refresh', clientId, scope, resource: res, exp: exp + 86_400 });
    return json(
      200,
      { access_token: access, token_type: 'Bearer', expires_in: 3600, refresh_token: refresh, scope: scope.join(' ') },
      { 'cache-control': 'no-store' },
    );
  }

  function tokenEndpoint(req: IncomingMessage, form: URLSearchParams): Answer {
    seen.tokenRequests.push(form);
    if (behaviour.tokenLimited.count > 0) {
      behaviour.tokenLimited.count--;
      return oauthError(429, 'rate_limit_exceeded', '30 per minute per client', { 'retry-after': behaviour.tokenLimited.retryAfter });
    }
    const clientId = authenticate(req, form);
    if (!clientId) return oauthError(401, 'invalid_client', 'client authentication failed');
    const asked = form.getAll('resource');
    if (asked.length > 1 || (asked[0] !== undefined && asked[0] !== resource)) return oauthError(400, 'invalid_target', 'unknown resource');
    if (form.get('grant_type') === 'authorization_code') {
      const code = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      if (!code || code.clientId !== clientId || code.redirectUri !== form.get('redirect_uri')) return oauthError(400, 'invalid_grant', 'bad code');
      if (createHash('sha256').update(verifier).digest('base64url') !== code.challenge) return oauthError(400, 'invalid_grant', 'wrong verifier');
      return issue(clientId, code.scope, code.resource);
    }
    if (form.get('grant_type') === 'refresh_token') {
      const old = tokens.get(form.get('refresh_token') ?? '');
      if (!old || old.kind !== 'refresh' || old.clientId !== clientId) return oauthError(400, 'invalid_grant', 'bad refresh token');
      tokens.delete(form.get('refresh_token')!);
      return issue(clientId, old.scope, old.resource);
    }
    return oauthError(400, 'unsupported_grant_type', 'no');
  }

  function introspect(req: IncomingMessage, form: URLSearchParams): Answer {
    seen.introspections++;
    if (!authenticate(req, form)) return oauthError(401, 'invalid_client', 'only confidential clients introspect');
    const record = tokens.get(form.get('token') ?? '');
    if (!record) return json(200, { active: false });
    return json(200, {
      active: true,
      scope: record.scope.join(' '),
      client_id: record.clientId,
      sub: STRICT_MERCHANT,
      exp: record.exp,
      iat: record.exp - 3600,
      token_type: 'Bearer',
      ...(record.resource ? { aud: record.resource } : {}),
      iss: issuer,
      whatalo_store_id: STRICT_STORE,
    });
  }

  function answer(req: IncomingMessage, url: URL, body: string): Answer {
    const form = new URLSearchParams(body);
    switch (url.pathname) {
      case '/.well-known/oauth-authorization-server':
        return json(200, {
          issuer,
          authorization_endpoint: `${issuer}/oauth/authorize`,
          token_endpoint: `${issuer}/oauth/token`,
          registration_endpoint: `${issuer}/oauth/register`,
          introspection_endpoint: `${issuer}/oauth/introspect`,
          revocation_endpoint: `${issuer}/oauth/revoke`,
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code', 'refresh_token'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
          introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
          revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
          subject_types_supported: ['public'],
          resource_parameter_supported: true,
          ...(behaviour.iss.startsWith('advertised') ? { authorization_response_iss_parameter_supported: true } : {}),
        });
      case '/oauth/register':
        return register(body);
      case '/oauth/authorize':
        return authorize(url);
      case '/oauth/token':
        return tokenEndpoint(req, form);
      case '/oauth/introspect':
        return introspect(req, form);
      case '/oauth/revoke':
        seen.revoked.push(form.get('token') ?? '');
        tokens.delete(form.get('token') ?? '');
        return { status: 200 };
      default:
        return json(404, { error: 'not_found' });
    }
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', issuer);
      seen.wire.push(`${req.method} ${url.href} ${body}`);
      const got = answer(req, url, body);
      res.writeHead(got.status, { ...(got.body === undefined ? {} : { 'content-type': 'application/json' }), ...got.headers });
      res.end(got.body === undefined ? undefined : JSON.stringify(got.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  resource = issuer; // the API's origin (CONTRACT AC1): the API base below is issuer + /api/v1
  return {
    issuer,
    apiBase: `${issuer}/api/v1`,
    resource,
    behaviour,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
