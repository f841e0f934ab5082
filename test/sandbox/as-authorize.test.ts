import { describe, expect, it } from 'vitest';
import { RELAXED_LIMITS, startTestSandbox, useTestSandbox } from '../helpers/sandbox.js';
import { authorizeRaw, consentForm, decide, introspect, pkce, postForm, redirectParams, register, signIn, useSandboxWithClient } from './as-kit.js';

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
    // A7: Whatalo puts no iss on the redirect; the sandbox neither, unless its flag says so.
    expect(params.has('iss')).toBe(false);
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

  it('A6: requires state, scope (every one known) and response_type=code', async () => {
    const noState = redirectParams(await authorizeRaw(sb, { client, omit: ['state'] }));
    expect(noState.get('error')).toBe('invalid_request');
    expect(noState.get('error_description')).toMatch(/state/);
    const badScope = redirectParams(await authorizeRaw(sb, { client, scope: 'read:store admin:all', state: 's1' }));
    expect(badScope.get('error')).toBe('invalid_scope');
    expect(badScope.get('state')).toBe('s1');
    const noScope = redirectParams(await authorizeRaw(sb, { client, omit: ['scope'] }));
    expect(noScope.get('error')).toBe('invalid_request');
    // A3: one unknown scope fails the whole request, even beside known ones; no category scope.
    const categories = redirectParams(await authorizeRaw(sb, { client, scope: 'read:products read:categories' }));
    expect(categories.get('error')).toBe('invalid_scope');
    expect(categories.get('error_description')).toContain('read:categories');
    const token = redirectParams(await authorizeRaw(sb, { client, extra: { response_type: 'token' } }));
    expect(token.get('error')).toBe('unsupported_response_type');
  });

  it('A5: the registered scope is a ceiling: a client registered with a scope cannot ask for more, and may ask for less', async () => {
    const narrow = await register(sb, { scope: 'read:store read:products' });
    const params = redirectParams(await authorizeRaw(sb, { client: narrow, scope: 'read:store read:orders' }));
    expect(params.get('error')).toBe('invalid_scope');
    expect(params.get('error_description')).toContain('read:orders');
    expect((await authorizeRaw(sb, { client: narrow, scope: 'read:store' })).status).toBe(200);
  });

  it('A9: a client registered without authorization_code is unauthorized_client, redirected', async () => {
    const exchangeOnly = await register(sb, { grant_types: ['urn:ietf:params:oauth:grant-type:token-exchange'] });
    expect(redirectParams(await authorizeRaw(sb, { client: exchangeOnly })).get('error')).toBe('unauthorized_client');
  });

  it('A6: an unknown client_id is an error page, never a redirect', async () => {
    const fake = { ...client, client_id: 'cli_doesnotexist' };
    const response = await authorizeRaw(sb, { client: fake });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('cli_doesnotexist');
  });

  it('A6: an unregistered or missing redirect_uri is a 400 invalid_redirect_uri page, never a redirect', async () => {
    const missing = await authorizeRaw(sb, { client, omit: ['redirect_uri'] });
    expect(missing.status).toBe(400);
    expect(missing.headers.get('location')).toBeNull();
    for (const redirectUri of [
      'http://127.0.0.1:8080/callback',
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
      const html = await response.text();
      expect(html).toContain('not registered for this app');
      expect(html).toContain('<code id="error-code">invalid_redirect_uri</code>');
    }
  });

  it('A6: a loopback redirect URI matches exactly, port included: another port is refused', async () => {
    const exact = await register(sb, { redirect_uris: ['http://127.0.0.1:53111/callback', 'http://[::1]:40000/cb'] });
    expect((await authorizeRaw(sb, { client: exact, redirectUri: 'http://127.0.0.1:53111/callback' })).status).toBe(200);
    expect((await authorizeRaw(sb, { client: exact, redirectUri: 'http://[::1]:40000/cb' })).status).toBe(200);
    for (const redirectUri of ['http://127.0.0.1:53112/callback', 'http://127.0.0.1/callback', 'http://[::1]:40001/cb']) {
      expect({ redirectUri, status: (await authorizeRaw(sb, { client: exact, redirectUri })).status }).toEqual({ redirectUri, status: 400 });
    }
  });

  it('A6: non-loopback redirect URIs match exactly, port included', async () => {
    const web = await register(sb, { redirect_uris: ['https://app.example/cb', 'http://localhost:8080/cb'] });
    expect((await authorizeRaw(sb, { client: web, redirectUri: 'https://app.example/cb' })).status).toBe(200);
    expect((await authorizeRaw(sb, { client: web, redirectUri: 'https://app.example:8443/cb' })).status).toBe(400);
    expect((await authorizeRaw(sb, { client: web, redirectUri: 'http://localhost:8081/cb' })).status).toBe(400);
  });

  it('A7: approval redirects with code and state, and no iss', async () => {
    const ported = await register(sb, { redirect_uris: ['http://127.0.0.1:41234/callback'] });
    const page = await authorizeRaw(sb, { client: ported, state: 'state-approve' });
    const form = consentForm(await page.text());
    const response = await decide(sb, {
      request_id: form.requestId,
      csrf_token: form.csrf,
      decision: 'approve',
      store_id: sb.stores[0]!.id,
      scope: form.scopes,
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^http:\/\/127\.0\.0\.1:41234\/callback\?/);
    const params = redirectParams(response);
    expect(params.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('state')).toBe('state-approve');
    expect(params.has('iss')).toBe(false);
  });

  it('A7: denial redirects with error=access_denied and state, and no code', async () => {
    const page = await authorizeRaw(sb, { client, state: 'state-deny' });
    const form = consentForm(await page.text());
    const response = await decide(sb, { request_id: form.requestId, csrf_token: form.csrf, decision: 'deny' });
    const params = redirectParams(response);
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('state')).toBe('state-deny');
    expect(params.has('iss')).toBe(false);
    expect(params.has('code')).toBe(false);
  });

  it('A6: the merchant may grant fewer scopes than asked; the token answer and introspection say which', async () => {
    const verifier = pkce();
    const page = await authorizeRaw(sb, { client, scope: 'read:products write:products read:orders', pkce: verifier });
    const form = consentForm(await page.text());
    expect(form.scopes).toEqual(['read:products', 'write:products', 'read:orders']);
    // A forged box for a scope never asked for grants nothing.
    const response = await decide(sb, {
      request_id: form.requestId,
      csrf_token: form.csrf,
      decision: 'approve',
      store_id: sb.stores[0]!.id,
      scope: ['read:products', 'write:customers'],
    });
    const code = redirectParams(response).get('code')!;
    const answer = await postForm(
      sb,
      '/oauth/token',
      { grant_type: 'authorization_code', code, redirect_uri: client.redirect_uris[0]!, code_verifier: verifier.verifier },
      client,
    );
    expect(answer.body.scope).toBe('read:products');
    expect((await introspect(sb, answer.body.access_token as string, client)).body.scope).toBe('read:products');
  });

  it('A6: approving with every permission unticked shows the page again, and nothing is issued', async () => {
    const before = (await sb.grants()).length;
    const form = consentForm(await (await authorizeRaw(sb, { client })).text());
    const none = await decide(sb, { request_id: form.requestId, csrf_token: form.csrf, decision: 'approve', store_id: sb.stores[0]!.id });
    expect(none.status).toBe(400);
    expect(none.headers.get('location')).toBeNull();
    expect(await none.text()).toContain('Allow at least one permission');
    expect((await sb.grants()).length).toBe(before);
  });

  it('AC5: whatalo_store_id is ignored by default: the page offers every store', async () => {
    const html = await (await authorizeRaw(sb, { client, extra: { whatalo_store_id: sb.stores[1]!.id } })).text();
    expect(html.match(/name="store_id"/g)).toHaveLength(sb.stores.length);
    expect(html).not.toContain('required checked');
    // Even a store that is not the merchant's is just an unknown parameter.
    expect((await authorizeRaw(sb, { client, extra: { whatalo_store_id: 'str_someone_else' } })).status).toBe(200);
  });

  it('the consent page tells the stores apart by name, currency and address', async () => {
    const html = await (await authorizeRaw(sb, { client })).text();
    for (const store of sb.stores) expect(html).toContain(store.name);
    expect(html.match(/class="store-meta"/g)).toHaveLength(sb.stores.length);
  });
});

describe('authorization endpoint under the sandbox flags (CONTRACT AC6)', () => {
  const { sb, client } = useSandboxWithClient({
    flags: { anyLoopbackPort: true, storeHint: true, issParameter: true },
  });

  it('anyLoopbackPort: a registered loopback redirect matches on any port (RFC 8252 §7.3), for 127.0.0.1 and [::1]', async () => {
    const six = await register(sb, { redirect_uris: ['http://127.0.0.1/callback', 'http://[::1]/cb'] });
    for (const redirectUri of ['http://127.0.0.1:53111/callback', 'http://127.0.0.1:8080/callback', 'http://[::1]:40000/cb']) {
      const response = await authorizeRaw(sb, { client: six, redirectUri });
      expect({ redirectUri, status: response.status }).toEqual({ redirectUri, status: 200 });
      expect(await response.text()).toContain('wants access to your Whatalo store');
    }
    // Only the port is free: the path and host must still match.
    expect((await authorizeRaw(sb, { client: six, redirectUri: 'http://127.0.0.1:53111/other' })).status).toBe(400);
    expect((await authorizeRaw(sb, { client: six, redirectUri: 'http://localhost:53111/callback' })).status).toBe(400);
  });

  it('issParameter: approval, denial and errors carry iss', async () => {
    const approve = consentForm(await (await authorizeRaw(sb, { client })).text());
    const approved = redirectParams(
      await decide(sb, { request_id: approve.requestId, csrf_token: approve.csrf, decision: 'approve', store_id: sb.stores[0]!.id, scope: approve.scopes }),
    );
    expect(approved.get('iss')).toBe(sb.issuer);
    const deny = consentForm(await (await authorizeRaw(sb, { client })).text());
    expect(redirectParams(await decide(sb, { request_id: deny.requestId, csrf_token: deny.csrf, decision: 'deny' })).get('iss')).toBe(sb.issuer);
    expect(redirectParams(await authorizeRaw(sb, { client, omit: ['state'] })).get('iss')).toBe(sb.issuer);
  });

  it('storeHint: a request naming its store gets a page offering that store alone, chosen, and no decision for another', async () => {
    const [first, second] = [sb.stores[0]!, sb.stores[1]!];
    const page = await authorizeRaw(sb, { client, state: 'hinted', extra: { whatalo_store_id: second.id } });
    const html = await page.text();
    expect(html.match(/name="store_id"/g)).toHaveLength(1);
    expect(html).toContain(`value="${second.id}" required checked`);
    expect(html).not.toContain(`value="${first.id}"`);
    const form = consentForm(html);
    const refused = await decide(sb, { request_id: form.requestId, csrf_token: form.csrf, decision: 'approve', store_id: first.id, scope: form.scopes });
    expect(refused.status).toBe(400);
    const again = consentForm(await refused.text());
    const approved = await decide(sb, { request_id: again.requestId, csrf_token: again.csrf, decision: 'approve', store_id: second.id, scope: again.scopes });
    expect(redirectParams(approved).get('state')).toBe('hinted');
    // A store that is not the merchant's is refused back to the client.
    const foreign = redirectParams(await authorizeRaw(sb, { client, state: 'foreign', extra: { whatalo_store_id: 'str_someone_else' } }));
    expect(foreign.get('error')).toBe('invalid_request');
    expect(foreign.get('error_description')).toBe('whatalo_store_id names no store of this merchant');
  });
});

describe('authorization endpoint, consent page mode (continued)', () => {
  const { sb, client } = useSandboxWithClient();

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
    const none = await decide(sb, { request_id: form.requestId, csrf_token: form.csrf, decision: 'approve', scope: form.scopes });
    expect(none.status).toBe(400);
    expect(none.headers.get('location')).toBeNull();
    const html = await none.text();
    expect(html).toContain('Choose a store before you approve.');
    form = consentForm(html);
    const foreign = await decide(sb, { request_id: form.requestId, csrf_token: form.csrf, decision: 'approve', store_id: 'str_notyours', scope: form.scopes });
    expect(foreign.status).toBe(400);
    expect(await foreign.text()).toContain('not one of yours');
    expect((await sb.grants()).length).toBe(before);
  });
});

describe('authorization endpoint with --auto-approve', () => {
  const sb = useTestSandbox({ autoApprove: 'first', limits: RELAXED_LIMITS });

  it('A5: auto-approve first grants the merchant’s first store with the requested scopes at once', async () => {
    const client = await register(sb);
    const tokens = await signIn(sb, client, { scope: 'read:store read:orders' });
    expect(tokens.scope).toBe('read:orders read:store');
    const info = (await introspect(sb, tokens.access_token, client)).body;
    expect(info).toMatchObject({ whatalo_store_id: sb.stores[0]!.id, scope: 'read:orders read:store' });
  });

  it('A7: an auto-approved request redirects straight back with code and state', async () => {
    const client = await register(sb);
    const response = await authorizeRaw(sb, { client, state: 'auto', pkce: pkce() });
    expect(response.status).toBe(302);
    const params = redirectParams(response);
    expect(params.get('code')).toHaveLength(43);
    expect(params.get('state')).toBe('auto');
    expect(params.has('iss')).toBe(false);
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
