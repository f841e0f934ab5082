import { describe, expect, it } from 'vitest';
import { startTestSandbox, useTestSandbox } from '../helpers/sandbox.js';
import { authorizeRaw, consentForm, decide, introspect, pkce, redirectParams, register, signIn, useSandboxWithClient } from './as-kit.js';

describe('authorization endpoint (consent page mode)', () => {
  const { sb, client } = useSandboxWithClient();

  it('A4: plain PKCE is refused with invalid_request, redirected to the valid redirect URI', async () => {
    const response = await authorizeRaw(sb, { client, state: 's-plain', extra: { code_challenge_method: 'plain' } });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(/^http:\/\/127\.0\.0\.1\/callback\?/);
    const params = redirectParams(response);
    expect(params.get('error')).toBe('invalid_request');
    expect(params.get('error_description')).toMatch(/S256/);
    expect(params.get('state')).toBe('s-plain');
    expect(params.get('iss')).toBe(sb.issuer);
    expect(params.has('code')).toBe(false);
  });

  it('A4: a missing code_challenge or method is refused', async () => {
    for (const omit of [['code_challenge'], ['code_challenge_method'], ['code_challenge', 'code_challenge_method']]) {
      const params = redirectParams(await authorizeRaw(sb, { client, omit }));
      expect(params.get('error')).toBe('invalid_request');
      expect(params.has('code')).toBe(false);
    }
    const short = redirectParams(await authorizeRaw(sb, { client, extra: { code_challenge: 'abc' } }));
    expect(short.get('error')).toBe('invalid_request');
  });

  it('requires state, a known scope and response_type=code', async () => {
    const noState = redirectParams(await authorizeRaw(sb, { client, omit: ['state'] }));
    expect(noState.get('error')).toBe('invalid_request');
    expect(noState.get('error_description')).toMatch(/state/);
    const badScope = redirectParams(await authorizeRaw(sb, { client, scope: 'read:store admin:all', state: 's1' }));
    expect(badScope.get('error')).toBe('invalid_scope');
    expect(badScope.get('state')).toBe('s1');
    const noScope = redirectParams(await authorizeRaw(sb, { client, omit: ['scope'] }));
    expect(noScope.get('error')).toBe('invalid_scope');
    const token = redirectParams(await authorizeRaw(sb, { client, extra: { response_type: 'token' } }));
    expect(token.get('error')).toBe('unsupported_response_type');
  });

  it('a client registered with a scope cannot ask for more', async () => {
    const narrow = await register(sb, { scope: 'read:store' });
    const params = redirectParams(await authorizeRaw(sb, { client: narrow, scope: 'read:store read:orders' }));
    expect(params.get('error')).toBe('invalid_scope');
  });

  it('A6: an unknown client_id is an error page, never a redirect', async () => {
    const fake = { ...client, client_id: 'cli_doesnotexist' };
    const response = await authorizeRaw(sb, { client: fake });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('cli_doesnotexist');
  });

  it('A6: an unregistered redirect_uri is an error page, never a redirect', async () => {
    for (const redirectUri of [
      'http://127.0.0.1/other',
      'https://evil.example/callback',
      'http://127.0.0.1/callback?x=1',
      'http://localhost/callback',
      'http://127.0.0.2/callback',
      'http://127.0.0.1@evil.example/callback',
    ]) {
      // Even with an error that would otherwise redirect (plain PKCE), nothing leaves the AS.
      const response = await authorizeRaw(sb, { client, redirectUri, extra: { code_challenge_method: 'plain' } });
      expect({ redirectUri, status: response.status }).toEqual({ redirectUri, status: 400 });
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain('not registered for this app');
    }
  });

  it('A6: loopback redirect URIs match on any port (RFC 8252 §7.3), for 127.0.0.1 and [::1]', async () => {
    const six = await register(sb, { redirect_uris: ['http://127.0.0.1/callback', 'http://[::1]/cb'] });
    for (const redirectUri of ['http://127.0.0.1:53111/callback', 'http://127.0.0.1:8080/callback', 'http://[::1]:40000/cb']) {
      const response = await authorizeRaw(sb, { client: six, redirectUri });
      expect({ redirectUri, status: response.status }).toEqual({ redirectUri, status: 200 });
      expect(await response.text()).toContain('wants access to your Whatalo store');
    }
    // Only the port is free: the path must still match.
    expect((await authorizeRaw(sb, { client: six, redirectUri: 'http://127.0.0.1:53111/other' })).status).toBe(400);
  });

  it('A6: non-loopback redirect URIs match exactly, port included', async () => {
    const web = await register(sb, { redirect_uris: ['https://app.example/cb', 'http://localhost:8080/cb'] });
    expect((await authorizeRaw(sb, { client: web, redirectUri: 'https://app.example/cb' })).status).toBe(200);
    expect((await authorizeRaw(sb, { client: web, redirectUri: 'https://app.example:8443/cb' })).status).toBe(400);
    expect((await authorizeRaw(sb, { client: web, redirectUri: 'http://localhost:8081/cb' })).status).toBe(400);
  });

  it('A7: approval redirects with code, state and iss', async () => {
    const page = await authorizeRaw(sb, { client, state: 'state-approve', redirectUri: 'http://127.0.0.1:41234/callback' });
    const form = consentForm(await page.text());
    const response = await decide(sb, { request_id: form.requestId, csrf_token: form.csrf, decision: 'approve', store_id: sb.stores[0]!.id });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^http:\/\/127\.0\.0\.1:41234\/callback\?/);
    const params = redirectParams(response);
    expect(params.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('state')).toBe('state-approve');
    expect(params.get('iss')).toBe(sb.issuer);
  });

  it('A7: denial redirects with error=access_denied, state and iss, and no code', async () => {
    const page = await authorizeRaw(sb, { client, state: 'state-deny' });
    const form = consentForm(await page.text());
    const response = await decide(sb, { request_id: form.requestId, csrf_token: form.csrf, decision: 'deny' });
    const params = redirectParams(response);
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('state')).toBe('state-deny');
    expect(params.get('iss')).toBe(sb.issuer);
    expect(params.has('code')).toBe(false);
  });

  it('A19: a request naming its store gets a page offering that store alone, chosen, and no decision for another', async () => {
    const [first, second] = [sb.stores[0]!, sb.stores[1]!];
    const page = await authorizeRaw(sb, { client, state: 'hinted', extra: { whatalo_store_id: second.id } });
    const html = await page.text();
    expect(html.match(/name="store_id"/g)).toHaveLength(1);
    expect(html).toContain(`value="${second.id}" required checked`);
    expect(html).not.toContain(`value="${first.id}"`);
    const form = consentForm(html);
    const refused = await decide(sb, { request_id: form.requestId, csrf_token: form.csrf, decision: 'approve', store_id: first.id });
    expect(refused.status).toBe(400);
    const again = consentForm(await refused.text());
    const approved = await decide(sb, { request_id: again.requestId, csrf_token: again.csrf, decision: 'approve', store_id: second.id });
    expect(redirectParams(approved).get('state')).toBe('hinted');
    // A store that is not the merchant's is refused back to the client.
    const foreign = redirectParams(await authorizeRaw(sb, { client, state: 'foreign', extra: { whatalo_store_id: 'str_someone_else' } }));
    expect(foreign.get('error')).toBe('invalid_request');
    expect(foreign.get('error_description')).toBe('whatalo_store_id names no store of this merchant');
  });

  it('A5: the merchant picks one store and the token resolves to exactly that store; each store is a separate grant', async () => {
    expect(sb.stores.length).toBeGreaterThanOrEqual(2);
    const [first, second] = [sb.stores[0]!, sb.stores[1]!];
    const a = await signIn(sb, client, { storeId: first.id });
    const b = await signIn(sb, client, { storeId: second.id });
    const ia = (await introspect(sb, a.access_token, client)).body;
    const ib = (await introspect(sb, b.access_token, client)).body;
    expect(ia).toMatchObject({ active: true, whatalo_store_id: first.id, sub: sb.merchant });
    expect(ib).toMatchObject({ active: true, whatalo_store_id: second.id, sub: sb.merchant });
    const grants = (await sb.grants()).filter((g) => g.client_id === client.client_id);
    expect(new Set(grants.map((g) => g.store_id))).toEqual(new Set([first.id, second.id]));
  });

  it('A5: approval without a store, or with a store that is not the merchant’s, is refused and nothing is issued', async () => {
    const before = (await sb.grants()).length;
    const page = await authorizeRaw(sb, { client });
    let form = consentForm(await page.text());
    const none = await decide(sb, { request_id: form.requestId, csrf_token: form.csrf, decision: 'approve' });
    expect(none.status).toBe(400);
    expect(none.headers.get('location')).toBeNull();
    const html = await none.text();
    expect(html).toContain('Choose a store before you approve.');
    form = consentForm(html);
    const foreign = await decide(sb, { request_id: form.requestId, csrf_token: form.csrf, decision: 'approve', store_id: 'str_notyours' });
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toContain('not one of yours');
    expect((await sb.grants()).length).toBe(before);
  });
});

describe('authorization endpoint with --auto-approve', () => {
  const sb = useTestSandbox({ autoApprove: 'first' });

  it('A5: auto-approve first grants the merchant’s first store with the requested scopes at once', async () => {
    const client = await register(sb);
    const tokens = await signIn(sb, client, { scope: 'read:orders read:store' });
    expect(tokens.scope).toBe('read:store read:orders');
    const info = (await introspect(sb, tokens.access_token, client)).body;
    expect(info).toMatchObject({ whatalo_store_id: sb.stores[0]!.id, scope: 'read:store read:orders' });
  });

  it('A7: an auto-approved request redirects straight back with code, state and iss', async () => {
    const client = await register(sb);
    const response = await authorizeRaw(sb, { client, state: 'auto', pkce: pkce() });
    expect(response.status).toBe(302);
    const params = redirectParams(response);
    expect(params.get('code')).toHaveLength(43);
    expect(params.get('state')).toBe('auto');
    expect(params.get('iss')).toBe(sb.issuer);
  });

  it('auto-approve with a store id grants that store', async () => {
    const other = await startTestSandbox({ autoApprove: sb.stores[1]!.id });
    try {
      const client = await register(other);
      const tokens = await signIn(other, client);
      expect((await introspect(other, tokens.access_token, client)).body.whatalo_store_id).toBe(other.stores[1]!.id);
    } finally {
      await other.close();
    }
  });

  it('an unknown --auto-approve store is a configuration error', async () => {
    await expect(startTestSandbox({ autoApprove: 'str_nope' })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
