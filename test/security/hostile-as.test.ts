/**
 * An authorization server whose answers break the protocol, met by the real CLI (`login`
 * with a stand-in browser that follows redirects): a tiny AS written here with node:http on
 * 127.0.0.1:0 that behaves correctly except for one thing per case. The baseline case signs
 * in (so the harness can succeed and each broken case fails for its own reason); every broken
 * case is refused with a clear message, exits non-zero without a stack trace, stores nothing,
 * and never prints a token the AS issued. Metadata-level checks of discovery alone are in
 * test/auth/discovery.test.ts; these run the whole sign-in.
 */
import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTree } from '../helpers/leaks.js';
import { runCli } from '../helpers/cli.js';
import { suiteFigures } from '../helpers/figures.js';
import { FETCH_BROWSER } from '../helpers/mcp.js';

const figures = suiteFigures('security/hostile-as');
const dirs: string[] = [];
const issued: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

type Answer = { status?: number; type?: string; body: unknown; headers?: Record<string, string> };
type Override = (issuer: string, url: URL, normal: Answer) => Answer;

const token = () => {
  const value = randomBytes(32).toString('base64url');
  issued.push(value);
  return value;
};

/** A correct, minimal AS + API (one merchant, one store), with `breaks` replacing answers by path. */
async function hostileAs(breaks: Record<string, Override> = {}): Promise<{ issuer: string; close(): Promise<void> }> {
  let issuer = '';
  const answer = (req: IncomingMessage, url: URL, body: string): Answer => {
    const form = new URLSearchParams(body);
    switch (url.pathname) {
      case '/.well-known/oauth-authorization-server':
        return {
          body: {
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
          },
        };
      case '/register': {
        const asked = JSON.parse(body || '{}') as Record<string, unknown>;
        const now = Math.floor(Date.now() / 1000);
        return { status: 201, body: { ...asked, client_id: 'cli_hostile', client_secret: 'secret-' + randomBytes(8).toString('hex'), client_id_issued_at: now, client_secret_expires_at: now + 90 * 86400 } };
      }
      case '/authorize': {
        const back = new URL(url.searchParams.get('redirect_uri')!);
        back.searchParams.set('code', 'code-' + randomBytes(8).toString('hex'));
        back.searchParams.set('state', url.searchParams.get('state') ?? '');
        back.searchParams.set('iss', issuer);
        return { status: 302, body: '', headers: { location: back.href } };
      }
      case '/token':
        return { body: { access_token: token(), token_type: 'Bearer', expires_in: 3600, refresh_token: token(), scope: form.get('scope') ?? 'read:store' }, headers: { 'cache-control': 'no-store' } };
      case '/introspect': {
        const now = Math.floor(Date.now() / 1000);
        return { body: { active: true, scope: 'read:store read:products read:inventory read:categories read:customers read:orders', sub: 'usr_hostile', whatalo_store_id: 'str_hostile', client_id: 'cli_hostile', exp: now + 3600, iat: now, token_type: 'Bearer' } };
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

const withBody = (change: (body: Record<string, unknown>, issuer: string) => void): Override => (issuer, _url, normal) => {
  const body = { ...(normal.body as Record<string, unknown>) };
  change(body, issuer);
  return { ...normal, body };
};

async function login(issuer: string): Promise<{ code: number | null; text: string; dir: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'whatalo-hostile-as-'));
  dirs.push(dir);
  const result = await runCli(['login'], {
    env: {
      WHATALO_ISSUER: issuer,
      WHATALO_API_BASE: `${issuer}/api/v1`,
      WHATALO_CONFIG_DIR: dir,
      WHATALO_CREDENTIAL_STORE: 'file',
      WHATALO_CREDENTIAL_KEY: 'hostile-as-passphrase',
      WHATALO_LOGIN_TIMEOUT: '15',
      BROWSER: FETCH_BROWSER,
    },
  });
  return { code: result.code, text: result.stdout + result.stderr, dir };
}

describe('an AS that breaks the protocol is refused with a clear message, and nothing is stored', () => {
  it('the baseline AS signs in (the harness can succeed)', async () => {
    const as = await hostileAs();
    try {
      const result = await login(as.issuer);
      expect(result.code, result.text).toBe(0);
      expect(await readdir(result.dir)).toContain('credentials.enc');
      for (const t of issued) expect(result.text).not.toContain(t);
      for (const { text } of await readTree(result.dir)) for (const t of issued) expect(text).not.toContain(t);
    } finally {
      await as.close();
    }
  });

  const cases: [string, Record<string, Override>, RegExp][] = [
    ['metadata naming another issuer', { '/.well-known/oauth-authorization-server': withBody((b) => (b.issuer = 'https://app.whatalo.com')) }, /issuer/i],
    ['metadata that is not JSON', { '/.well-known/oauth-authorization-server': () => ({ type: 'text/html', body: '<html>maintenance</html>' }) }, /metadata|JSON/i],
    ['metadata without S256 PKCE', { '/.well-known/oauth-authorization-server': withBody((b) => (b.code_challenge_methods_supported = ['plain'])) }, /S256/],
    ['metadata without a token endpoint', { '/.well-known/oauth-authorization-server': withBody((b) => delete b.token_endpoint) }, /token_endpoint/],
    ['metadata without an authorization endpoint', { '/.well-known/oauth-authorization-server': withBody((b) => delete b.authorization_endpoint) }, /authorization_endpoint/],
    ['an authorization endpoint on a non-loopback http host', { '/.well-known/oauth-authorization-server': withBody((b) => (b.authorization_endpoint = 'http://evil.example/authorize')) }, /authorization_endpoint|https|evil\.example/i],
    ['a registration answer without client_id', { '/register': withBody((b) => delete b.client_id) }, /client_id/],
    ['a token response without token_type', { '/token': withBody((b) => delete b.token_type) }, /token_type/],
    ['a token response with an unknown token_type', { '/token': withBody((b) => (b.token_type = 'mac')) }, /token_type|mac/i],
    ['a token response without access_token', { '/token': withBody((b) => delete b.access_token) }, /access_token/],
    ['a token response that is not JSON', { '/token': () => ({ type: 'text/plain', body: 'access_token=abc&token_type=bearer' }) }, /JSON|content-type|cannot accept/i],
    ['an introspection answer without the store', { '/introspect': withBody((b) => delete b.whatalo_store_id) }, /whatalo_store_id/],
  ];
  it.each(cases)('%s', async (_name, breaks, message) => {
    const as = await hostileAs(breaks);
    try {
      const result = await login(as.issuer);
      if (process.env.SHOW_ERRORS) console.log("AS CASE:", result.text);
      expect(result.code, result.text).not.toBe(0);
      expect(result.text).toMatch(message);
      expect(result.text).not.toMatch(/\n\s+at \S+ \(|node:internal|internal error/);
      expect((await readdir(result.dir)).filter((f) => f === 'credentials.enc' || f === 'clients.json')).toEqual([]);
      for (const t of issued) expect(result.text).not.toContain(t);
      figures.add('hostileInputs');
    } finally {
      await as.close();
    }
  });
});
