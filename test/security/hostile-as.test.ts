/**
 * An authorization server whose answers break the protocol, met by the real CLI (`login`
 * with a stand-in browser that follows redirects): the tiny AS of test/helpers/hostile-as.ts,
 * correct except for one thing per case. The baseline case signs
 * in (so the harness can succeed and each broken case fails for its own reason); every broken
 * case is refused with a clear message, exits non-zero without a stack trace, stores no grant
 * (a registration made before the failure is kept, as pending, so the next try does not
 * register again: CONTRACT A5), and never prints a token the AS issued. Metadata-level checks of discovery alone are in
 * test/auth/discovery.test.ts; these run the whole sign-in.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTree } from '../helpers/leaks.js';
import { runCli } from '../helpers/cli.js';
import { suiteFigures } from '../helpers/figures.js';
import { hostileAs, issuedTokens as issued, withBody, type Override } from '../helpers/hostile-as.js';
import { FETCH_BROWSER } from '../helpers/mcp.js';

const figures = suiteFigures('security/hostile-as');
const dirs: string[] = [];

afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

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

/** clients.json's `clients`: the clients a grant is stored for (a pending registration holds none). */
async function storedClients(dir: string): Promise<Record<string, unknown>> {
  const text = await readFile(path.join(dir, 'clients.json'), 'utf8').catch(() => '{"clients":{}}');
  return (JSON.parse(text) as { clients: Record<string, unknown> }).clients;
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
    [
      'metadata that is not JSON',
      { '/.well-known/oauth-authorization-server': () => ({ type: 'text/html', body: '<html>maintenance</html>' }) },
      /metadata|JSON/i,
    ],
    ['metadata without S256 PKCE', { '/.well-known/oauth-authorization-server': withBody((b) => (b.code_challenge_methods_supported = ['plain'])) }, /S256/],
    ['metadata without a token endpoint', { '/.well-known/oauth-authorization-server': withBody((b) => delete b.token_endpoint) }, /token_endpoint/],
    [
      'metadata without an authorization endpoint',
      { '/.well-known/oauth-authorization-server': withBody((b) => delete b.authorization_endpoint) },
      /authorization_endpoint/,
    ],
    [
      'an authorization endpoint on a non-loopback http host',
      { '/.well-known/oauth-authorization-server': withBody((b) => (b.authorization_endpoint = 'http://evil.example/authorize')) },
      /authorization_endpoint|https|evil\.example/i,
    ],
    ['a registration answer without client_id', { '/register': withBody((b) => delete b.client_id) }, /client_id/],
    ['a token response without token_type', { '/token': withBody((b) => delete b.token_type) }, /token_type/],
    ['a token response with an unknown token_type', { '/token': withBody((b) => (b.token_type = 'mac')) }, /token_type|mac/i],
    ['a token response without access_token', { '/token': withBody((b) => delete b.access_token) }, /access_token/],
    [
      'a token response that is not JSON',
      { '/token': () => ({ type: 'text/plain', body: 'access_token=abc&token_type=bearer' }) },
      /JSON|content-type|cannot accept/i,
    ],
    ['an introspection answer without the store', { '/introspect': withBody((b) => delete b.whatalo_store_id) }, /whatalo_store_id/],
    // CONTRACT B4: Whatalo lets any confidential client introspect any token, so "active" alone proves nothing.
    ['an introspection answer for another client', { '/introspect': withBody((b) => (b.client_id = 'cli_someone_else')) }, /"client_id" "cli_someone_else"/],
    [
      'an introspection answer for another resource',
      { '/introspect': withBody((b) => (b.aud = 'https://mcp.example.com')) },
      /"aud" "https:\/\/mcp\.example\.com"/,
    ],
    ['an introspection answer without aud', { '/introspect': withBody((b) => delete b.aud) }, /"aud" null/],
    [
      'an introspection answer from another issuer',
      { '/introspect': withBody((b) => (b.iss = 'https://app.whatalo.example')) },
      /"iss" "https:\/\/app\.whatalo\.example"/,
    ],
  ];
  it.each(cases)('%s', async (_name, breaks, message) => {
    const as = await hostileAs(breaks);
    try {
      const result = await login(as.issuer);
      if (process.env.SHOW_ERRORS) console.log('AS CASE:', result.text);
      expect(result.code, result.text).not.toBe(0);
      expect(result.text).toMatch(message);
      expect(result.text).not.toMatch(/\n\s+at \S+ \(|node:internal|internal error/);
      expect(await storedClients(result.dir)).toEqual({});
      for (const t of issued) expect(result.text).not.toContain(t);
      figures.add('hostileInputs');
    } finally {
      await as.close();
    }
  });
});
