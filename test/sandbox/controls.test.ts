import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestSandbox, startTestSandbox, DOCUMENTED_FLAGS } from '../helpers/sandbox.js';
import { introspect, refresh, register, sha256Hex, signIn, type RegisteredClient } from './as-kit.js';

async function settingsPage(sb: TestSandbox): Promise<string> {
  const response = await fetch(`${sb.issuer}/sandbox/settings`);
  expect(response.status).toBe(200);
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  return response.text();
}

function settingsForms(html: string): { clientId: string; storeId: string; csrf: string }[] {
  const forms = [...html.matchAll(/<form method="post" action="\/sandbox\/settings\/disconnect">([\s\S]*?)<\/form>/g)];
  return forms.map((m) => ({
    clientId: /name="client_id" value="([^"]+)"/.exec(m[1]!)![1]!,
    storeId: /name="store_id" value="([^"]+)"/.exec(m[1]!)![1]!,
    csrf: /name="csrf_token" value="([^"]+)"/.exec(m[1]!)![1]!,
  }));
}

function postSettings(sb: TestSandbox, fields: Record<string, string>): Promise<Response> {
  return fetch(`${sb.issuer}/sandbox/settings/disconnect`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

describe('/sandbox/ controls', () => {
  let sb: TestSandbox;
  let client: RegisteredClient;
  beforeEach(async () => {
    sb = await startTestSandbox();
    client = await register(sb, { client_name: 'Claude <Desktop> & co' });
  });
  afterEach(() => sb.close());

  it('A14: disconnect revokes every access and refresh token of that (client, merchant, store) at once, and nothing else', async () => {
    const [first, second] = [sb.stores[0]!, sb.stores[1]!];
    const a1 = await signIn(sb, client, { storeId: first.id });
    const a2 = await signIn(sb, client, { storeId: first.id });
    const rotated = (await refresh(sb, client, a2.refresh_token)).body as { access_token: string; refresh_token: string };
    const b = await signIn(sb, client, { storeId: second.id });
    const other = await register(sb);
    const o = await signIn(sb, other, { storeId: first.id });

    expect(await sb.disconnect(client.client_id, first.id)).toBe(2);

    for (const token of [a1.access_token, a1.refresh_token, a2.access_token, rotated.access_token, rotated.refresh_token]) {
      expect((await introspect(sb, token, client)).body).toEqual({ active: false });
    }
    expect((await refresh(sb, client, rotated.refresh_token)).body.error).toBe('invalid_grant');
    // The same app on the other store, and another app on this store, are untouched.
    expect((await introspect(sb, b.access_token, client)).body.active).toBe(true);
    expect((await introspect(sb, o.access_token, other)).body.active).toBe(true);
    expect(await sb.disconnect(client.client_id, first.id)).toBe(0);
  });

  it('POST /sandbox/clock moves the clock every expiry reads and answers the new time', async () => {
    const tokens = await signIn(sb, client);
    const before = Date.now();
    const response = await fetch(`${sb.issuer}/sandbox/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advance_seconds: 1800 }),
    });
    const body = (await response.json()) as { now: string; now_ms: number; offset_seconds: number };
    expect(body.offset_seconds).toBe(1800);
    expect(body.now_ms).toBeGreaterThanOrEqual(before + 1800_000);
    expect(new Date(body.now).getTime()).toBe(body.now_ms);
    expect((await introspect(sb, tokens.access_token, client)).body.active).toBe(true);
    await sb.advanceClock(1800);
    expect((await introspect(sb, tokens.access_token, client)).body).toEqual({ active: false });

    for (const bad of [{ advance_seconds: -5 }, { advance_seconds: 'soon' }, {}, { advance_seconds: 1e12 }]) {
      const answer = await fetch(`${sb.issuer}/sandbox/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(bad),
      });
      expect(answer.status).toBe(400);
    }
  });

  it('GET /sandbox/grants lists grants with token digests and state, never a token value', async () => {
    const tokens = await signIn(sb, client, { scope: 'read:orders read:store', storeId: sb.stores[1]!.id });
    const grants = await sb.grants();
    expect(grants).toHaveLength(1);
    const grant = grants[0]!;
    expect(grant).toMatchObject({
      client_id: client.client_id,
      merchant: sb.merchant,
      store_id: sb.stores[1]!.id,
      scope: 'read:orders read:store',
      revoked: false,
    });
    expect(grant.id).toEqual(expect.any(String));
    expect(grant.tokens).toEqual(
      expect.arrayContaining([
        { sha256: sha256Hex(tokens.access_token), kind: 'access', active: true, expires_at: expect.any(String) },
        { sha256: sha256Hex(tokens.refresh_token), kind: 'refresh', active: true, expires_at: expect.any(String) },
      ]),
    );
    const raw = await (await fetch(`${sb.issuer}/sandbox/grants`)).text();
    expect(raw).not.toContain(tokens.access_token);
    expect(raw).not.toContain(tokens.refresh_token);
  });

  it(
    'GET /sandbox/stats counts requests per "METHOD /path", grants, introspections, refreshes, registrations, revocations; reset-stats zeroes ' + 'them',
    async () => {
      await sb.resetStats();
      expect(await sb.stats()).toEqual({
        requests: {},
        grants: { authorization_code: 0, refresh_token: 0 },
        exchanges: 0,
        introspections: 0,
        refreshes: 0,
        registrations: 0,
        revocations: 0,
      });
      const c = await register(sb);
      const tokens = await signIn(sb, c);
      await introspect(sb, tokens.access_token, c);
      await introspect(sb, tokens.access_token, c);
      await refresh(sb, c, tokens.refresh_token);
      await fetch(`${sb.issuer}/.well-known/oauth-authorization-server`);
      const stats = await sb.stats();
      expect(stats).toMatchObject({
        grants: { authorization_code: 1, refresh_token: 1 },
        introspections: 2,
        refreshes: 1,
        registrations: 1,
        revocations: 0,
      });
      expect(stats.requests).toEqual({
        'POST /oauth/register': 1,
        'GET /oauth/authorize': 1,
        'POST /oauth/authorize/decision': 1,
        'POST /oauth/token': 2,
        'POST /oauth/introspect': 2,
        'GET /.well-known/oauth-authorization-server': 1,
      });
    },
  );

  it('the Connected apps page lists each connected app per store, escaped, and disconnects it with a CSRF-protected form', async () => {
    expect(await settingsPage(sb)).toContain('No apps are connected.');
    const tokens = await signIn(sb, client, { scope: 'read:orders', storeId: sb.stores[0]!.id });
    const html = await settingsPage(sb);
    expect(html).toContain('Claude &#60;Desktop&#62; &#38; co');
    expect(html).not.toContain('Claude <Desktop>');
    expect(html).toContain(sb.stores[0]!.name);
    expect(html).toContain('See your orders and sales');
    const [form] = settingsForms(html);
    expect(form).toMatchObject({ clientId: client.client_id, storeId: sb.stores[0]!.id });

    // Without the token, or with a forged one, nothing happens.
    expect((await postSettings(sb, { client_id: client.client_id, store_id: sb.stores[0]!.id })).status).toBe(403);
    expect((await postSettings(sb, { client_id: client.client_id, store_id: sb.stores[0]!.id, csrf_token: 'forged' })).status).toBe(403);
    expect((await introspect(sb, tokens.access_token, client)).body.active).toBe(true);

    const done = await postSettings(sb, { client_id: form!.clientId, store_id: form!.storeId, csrf_token: form!.csrf });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/sandbox/settings');
    expect((await introspect(sb, tokens.access_token, client)).body).toEqual({ active: false });
    expect((await introspect(sb, tokens.refresh_token, client)).body).toEqual({ active: false });
    expect(await settingsPage(sb)).toContain('No apps are connected.');
    // The token was single-use.
    expect((await postSettings(sb, { client_id: form!.clientId, store_id: form!.storeId, csrf_token: form!.csrf })).status).toBe(403);
  });

  it('GET/POST /sandbox/flags: every flag off and Whatalo’s limits by default; a patch changes only what it names; bad input is 400', async () => {
    const flags = await (await fetch(`${sb.issuer}/sandbox/flags`)).json();
    expect(flags).toEqual(DOCUMENTED_FLAGS);
    const changed = await sb.flags({ iss_parameter: true, limits: { token_per_minute_per_client: 500 } });
    expect(changed).toMatchObject({ iss_parameter: true, store_hint: false, limits: { token_per_minute_per_client: 500, token_per_minute_per_ip: 60 } });
    // The older control names the same store-hint flag.
    await sb.authorization({ store_hint: 'honour' });
    expect((await sb.flags({})).store_hint).toBe(true);
    for (const bad of [{ iss_parameter: 'yes' }, { nope: true }, { limits: { registrations_per_hour: 0 } }, { limits: { per_day: 5 } }, { limits: [] }]) {
      const answer = await fetch(`${sb.issuer}/sandbox/flags`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(bad) });
      expect({ bad, status: answer.status }).toEqual({ bad, status: 400 });
    }
    expect((await sb.flags({})).limits.registrations_per_hour).toBe(10);
  });

  it('POST /sandbox/disconnect refuses a malformed body', async () => {
    const answer = await fetch(`${sb.issuer}/sandbox/disconnect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 42 }),
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: 'invalid_request', message: expect.stringMatching(/client_id and store_id/) });
  });
});
