/**
 * A tiny authorization server + API v1 written with node:http on 127.0.0.1:0 that behaves
 * correctly (one merchant, one store) except where a test replaces an answer by path: the
 * hostile counterpart for CLI runs that must fail for one reason at a time.
 */
import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';

/** Every token this server issued, so tests can check that none is ever printed or stored in the clear. */
/** RFC 8414 metadata of a test AS whose endpoints sit at `{issuer}/authorize`, `/token`, …, advertising RFC 9207. */
export function testAsMetadata(issuer: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    introspection_endpoint: `${issuer}/introspect`,
    revocation_endpoint: `${issuer}/revoke`,
    registration_endpoint: `${issuer}/register`,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic'],
    authorization_response_iss_parameter_supported: true,
  };
}

export const issuedTokens: string[] = [];

export type Answer = { status?: number; type?: string; body: unknown; headers?: Record<string, string> };
export type Override = (issuer: string, url: URL, normal: Answer) => Answer;

const token = () => {
  const value = randomBytes(32).toString('base64url');
  issuedTokens.push(value);
  return value;
};

/** A correct, minimal AS + API (one merchant, one store), with `breaks` replacing answers by path. */
export async function hostileAs(breaks: Record<string, Override> = {}): Promise<{ issuer: string; close(): Promise<void> }> {
  let issuer = '';
  /** The `resource` of the last authorization request: introspection reports it as `aud` (CONTRACT A11). */
  let resource: string | undefined;
  const answer = (req: IncomingMessage, url: URL, body: string): Answer => {
    const form = new URLSearchParams(body);
    switch (url.pathname) {
      case '/.well-known/oauth-authorization-server':
        return { body: testAsMetadata(issuer) };
      case '/register': {
        const asked = JSON.parse(body || '{}') as Record<string, unknown>;
        const now = Math.floor(Date.now() / 1000);
        return {
          status: 201,
          body: {
            ...asked,
            client_id: 'cli_hostile',
            client_secret: 'secret-' + randomBytes(8).toString('hex'),
            client_id_issued_at: now,
            client_secret_expires_at: now + 90 * 86400,
          },
        };
      }
      case '/authorize': {
        resource = url.searchParams.get('resource') ?? undefined;
        const back = new URL(url.searchParams.get('redirect_uri')!);
        back.searchParams.set('code', 'code-' + randomBytes(8).toString('hex'));
        back.searchParams.set('state', url.searchParams.get('state') ?? '');
        back.searchParams.set('iss', issuer);
        return { status: 302, body: '', headers: { location: back.href } };
      }
      case '/token':
        return {
          body: { access_token: token(), token_type: 'Bearer', expires_in: 3600, refresh_token: token(), scope: form.get('scope') ?? 'read:store' },
          headers: { 'cache-control': 'no-store' },
        };
      case '/introspect': {
        const now = Math.floor(Date.now() / 1000);
        return {
          body: {
            active: true,
            scope: 'read:store read:products read:inventory read:customers read:orders',
            sub: 'usr_hostile',
            whatalo_store_id: 'str_hostile',
            client_id: 'cli_hostile',
            exp: now + 3600,
            iat: now,
            token_type: 'Bearer',
            // CONTRACT A11: the issuer, and the resource given at authorize (the API's origin, AC1).
            iss: issuer,
            ...(resource === undefined ? {} : { aud: resource }),
          },
        };
      }
      case '/revoke':
        return { body: '' };
      case '/api/v1/store':
        return { body: { data: { id: 'str_hostile', name: 'Hostile', currency: 'EUR' } } };
      default:
        return { status: 404, body: { error: 'not_found' } };
    }
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', issuer);
      const normal = answer(req, url, body);
      const got = breaks[url.pathname]?.(issuer, url, normal) ?? normal;
      const text = typeof got.body === 'string' ? got.body : JSON.stringify(got.body);
      res.writeHead(got.status ?? 200, { 'content-type': got.type ?? 'application/json', ...got.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export const withBody =
  (change: (body: Record<string, unknown>, issuer: string) => void): Override =>
  (issuer, _url, normal) => {
    const body = { ...(normal.body as Record<string, unknown>) };
    change(body, issuer);
    return { ...normal, body };
  };
