/**
 * The broker's settings: the API's resource identifier (CONTRACT AC1, A15), the origin of the
 * API base by default, one setting to override it (WHATALO_RESOURCE, or --resource on login,
 * status and logout), validated like the other URLs and sent as Whatalo writes it (no
 * trailing slash); and WHATALO_REDIRECT_URI, the exact redirect of a client registered by hand.
 */
import { describe, expect, it } from 'vitest';
import { apiResource, loadConfig } from '../../src/config.js';
import { runCli } from '../helpers/cli.js';

describe('apiResource', () => {
  it("is the API base's origin by default, without the /v1 path", () => {
    expect(loadConfig({}).apiResource).toBe('https://api.whatalo.com');
    expect(loadConfig({ WHATALO_API_BASE: 'http://127.0.0.1:4010/api/v1' }).apiResource).toBe('http://127.0.0.1:4010');
  });

  it('WHATALO_RESOURCE (or the flag) wins; an origin is written without its slash, a path is kept', () => {
    expect(loadConfig({ WHATALO_RESOURCE: 'https://api.whatalo.com/' }).apiResource).toBe('https://api.whatalo.com');
    expect(loadConfig({ WHATALO_RESOURCE: 'https://gw.example.com/whatalo' }).apiResource).toBe('https://gw.example.com/whatalo');
    expect(loadConfig({ WHATALO_RESOURCE: 'https://a.example' }, { resource: 'https://b.example' }).apiResource).toBe('https://b.example');
    expect(apiResource(new URL('https://api.whatalo.com/v1'))).toBe('https://api.whatalo.com');
  });

  it('is refused like the other URLs: plain http off loopback, a query, not a URL', () => {
    expect(() => loadConfig({ WHATALO_RESOURCE: 'http://api.whatalo.com' })).toThrow(/--resource \/ WHATALO_RESOURCE must use https/);
    expect(() => loadConfig({ WHATALO_RESOURCE: 'https://api.whatalo.com/?x=1' })).toThrow(/must not carry a query/);
    expect(() => loadConfig({ WHATALO_RESOURCE: 'api.whatalo.com' })).toThrow(/must be an absolute URL/);
  });

  it('login, status and logout take --resource and check it', async () => {
    const run = await runCli(['status', '--resource', 'http://api.whatalo.com'], { env: { WHATALO_CREDENTIAL_STORE: 'memory' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--resource / WHATALO_RESOURCE must use https');
  });
});

describe('WHATALO_REDIRECT_URI', () => {
  it('names an exact loopback redirect of the client configured by hand', () => {
    const config = loadConfig({ WHATALO_CLIENT_ID: 'c1', WHATALO_REDIRECT_URI: 'http://localhost:53682/callback' });
    expect(config.redirectUri).toBe('http://localhost:53682/callback');
  });

  it('is refused without a port, off loopback, on another path, or without WHATALO_CLIENT_ID', () => {
    for (const bad of ['http://127.0.0.1/callback', 'http://example.com:80/callback', 'http://127.0.0.1:8080/cb', 'http://127.0.0.1:70000/callback']) {
      expect(() => loadConfig({ WHATALO_CLIENT_ID: 'c1', WHATALO_REDIRECT_URI: bad })).toThrow(
        /WHATALO_REDIRECT_URI must be http:\/\/127\.0\.0\.1:PORT\/callback/,
      );
    }
    expect(() => loadConfig({ WHATALO_REDIRECT_URI: 'http://127.0.0.1:8080/callback' })).toThrow(/needs WHATALO_CLIENT_ID/);
  });
});
