/**
 * Discovery (CONTRACT A1, A4): the sandbox's metadata is accepted; an AS whose metadata names
 * another issuer, lacks S256 or an endpoint, or sends an http endpoint elsewhere is refused
 * with a message naming the field. The bad servers are real HTTP servers on loopback.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { discoverAuthorizationServer } from '../../src/auth/discovery.js';
import { registerTestClient } from './kit.js';
import { useTestSandbox } from '../helpers/sandbox.js';

const sandbox = useTestSandbox();

/** Serves `metadata(issuer)` at the RFC 8414 path on a fresh loopback port. */
async function fakeAs(metadata: (issuer: string) => unknown, status = 200): Promise<{ issuer: URL; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url !== '/.well-known/oauth-authorization-server') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(metadata(issuer)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { issuer: new URL(issuer), close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const good = (issuer: string) => ({
  issuer,
  authorization_endpoint: `${issuer}/oauth/authorize`,
  token_endpoint: `${issuer}/oauth/token`,
  registration_endpoint: `${issuer}/oauth/register`,
  introspection_endpoint: `${issuer}/oauth/introspect`,
  revocation_endpoint: `${issuer}/oauth/revoke`,
  code_challenge_methods_supported: ['S256'],
});

describe('discoverAuthorizationServer', () => {
  it('accepts the sandbox and finds every endpoint from the metadata', async () => {
    const as = await discoverAuthorizationServer(new URL(sandbox.issuer));
    expect(as.issuer).toBe(sandbox.issuer);
    expect(as.token_endpoint).toBe(`${sandbox.issuer}/oauth/token`);
  });

  const refusals: [string, (issuer: string) => unknown, RegExp][] = [
    ['another issuer', (i) => ({ ...good(i), issuer: 'https://app.whatalo.com' }), /names the issuer "https:\/\/app\.whatalo\.com"/],
    ['no S256', (i) => ({ ...good(i), code_challenge_methods_supported: ['plain'] }), /does not list "S256" in code_challenge_methods_supported/],
    ['no code_challenge_methods_supported', (i) => ({ ...good(i), code_challenge_methods_supported: undefined }), /does not list "S256"/],
    ['no token endpoint', (i) => ({ ...good(i), token_endpoint: undefined }), /has no "token_endpoint"/],
    [
      'an http revocation endpoint off loopback',
      (i) => ({ ...good(i), revocation_endpoint: 'http://tokens.example/revoke' }),
      /"revocation_endpoint" must use https/,
    ],
    ['an http endpoint off loopback', (i) => ({ ...good(i), token_endpoint: 'http://tokens.example/oauth/token' }), /"token_endpoint" must use https/],
  ];
  for (const [name, metadata, message] of refusals) {
    it(`refuses metadata with ${name} (AS_PROTOCOL)`, async () => {
      const as = await fakeAs(metadata);
      try {
        await expect(discoverAuthorizationServer(as.issuer)).rejects.toMatchObject({ code: 'AS_PROTOCOL', message });
      } finally {
        await as.close();
      }
    });
  }

  it('a 5xx or a closed port is AS_UNREACHABLE, naming the issuer', async () => {
    const down = await fakeAs(good, 503);
    try {
      await expect(discoverAuthorizationServer(down.issuer)).rejects.toMatchObject({ code: 'AS_UNREACHABLE' });
    } finally {
      await down.close();
    }
    const closed = await fakeAs(good);
    await closed.close();
    await expect(discoverAuthorizationServer(closed.issuer)).rejects.toMatchObject({
      code: 'AS_UNREACHABLE',
      message: expect.stringContaining(`Could not reach Whatalo at ${closed.issuer.origin}`),
    });
  });
});

describe('discovery order and tolerated fields', () => {
  /** An AS at `issuerPath` that serves its metadata only at `servedAt`, logging each path asked. */
  async function pathAs(issuerPath: string, servedAt: (path: string) => string, extra: Record<string, unknown> = {}) {
    const asked: string[] = [];
    const server = http.createServer((req, res) => {
      asked.push(req.url!);
      if (req.method === 'POST' && req.url === '/register') {
        // RFC 7591 asks for client_secret_expires_at with a secret; some servers leave it out.
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ client_id: 'c1', client_secret: 's1' }));
        return;
      }
      if (req.url !== servedAt(issuerPath)) return void res.writeHead(404).end();
      const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}${issuerPath}`;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ...good(issuer), registration_endpoint: issuer.replace(issuerPath, '/register'), ...extra }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const issuer = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}${issuerPath}`);
    return { issuer, asked, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  it('an issuer with a path: RFC 8414 insertion, then OpenID insertion, then OpenID appending', async () => {
    const as = await pathAs('/tenant1', (p) => `${p}/.well-known/openid-configuration`);
    try {
      const found = await discoverAuthorizationServer(as.issuer);
      expect(found.issuer).toBe(as.issuer.href);
      expect(as.asked).toEqual([
        '/.well-known/oauth-authorization-server/tenant1',
        '/.well-known/openid-configuration/tenant1',
        '/tenant1/.well-known/openid-configuration',
      ]);
    } finally {
      await as.close();
    }
  });

  it('a registration answer without client_secret_expires_at is a secret that does not expire', async () => {
    const as = await pathAs('/t', (p) => `/.well-known/oauth-authorization-server${p}`, { token_endpoint_auth_methods_supported: ['client_secret_post'] });
    try {
      const found = await discoverAuthorizationServer(as.issuer);
      const registration = await registerTestClient(found, as.issuer);
      expect(registration).toMatchObject({
        client_id: 'c1',
        client_secret: 's1',
        token_endpoint_auth_method: 'client_secret_post',
        client_secret_expires_at: 0,
      });
    } finally {
      await as.close();
    }
  });
});
