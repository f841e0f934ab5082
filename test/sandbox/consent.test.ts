/**
 * The consent page in real headless Chromium: what the merchant sees, the store choice, and
 * that approve/deny really reach a loopback callback (CSP form-action covers the redirect).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type TestSandbox, startTestSandbox, useTestSandbox } from '../helpers/sandbox.js';
import { authorizeUrl, consentForm, decide, introspect, pkce, postForm, register, type Pkce, type RegisteredClient } from './as-kit.js';
import { CHROMIUM_ARGS } from '../fixtures/chromium-args.mjs';
import { CHROMIUM, CHROMIUM_PATH, describeWith } from '../helpers/requirements.js';

const ARGS = ['--headless', ...CHROMIUM_ARGS];

/** A loopback "app" that receives the authorization response, like the broker's listener. */
interface Callback {
  url(host?: '127.0.0.1' | '[::1]'): string;
  hits: URLSearchParams[];
  close(): Promise<void>;
}

async function startCallback(host: '127.0.0.1' | '::1' = '127.0.0.1'): Promise<Callback> {
  const hits: URLSearchParams[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    // Chromium also asks for /favicon.ico; only the authorization response counts.
    if (url.pathname === '/callback') hits.push(url.searchParams);
    res.writeHead(200, { 'content-type': 'text/html' }).end('<h1 id="back">Back in the app</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (h = host === '::1' ? '[::1]' : '127.0.0.1') => `http://${h}:${port}/callback`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describeWith(CHROMIUM, 'consent page in headless Chromium', () => {
  let sb: TestSandbox;
  let context: BrowserContext;
  let profile: string;
  let callback: Callback;
  let client: RegisteredClient;
  let page: Page;

  beforeAll(async () => {
    sb = await startTestSandbox();
    profile = await mkdtemp(path.join(os.tmpdir(), 'whatalo-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
    callback = await startCallback();
    // Whatalo matches redirect URIs exactly, port included: register the callback's own.
    client = await register(sb, { client_name: 'Claude Desktop', redirect_uris: [callback.url()] });
  });
  afterAll(async () => {
    await context?.close();
    await callback?.close();
    await sb?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
  });
  beforeEach(async () => {
    callback.hits.length = 0;
    page = await context.newPage();
  });
  afterEach(async () => {
    await page.close();
  });

  async function open(options: { state: string; scope?: string; verifier?: Pkce; c?: RegisteredClient; redirectUri?: string }) {
    const url = authorizeUrl(sb, {
      client: options.c ?? client,
      state: options.state,
      scope: options.scope,
      pkce: options.verifier,
      redirectUri: options.redirectUri ?? callback.url(),
    });
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    return response!;
  }

  it('shows the app, the scopes in plain words, the merchant with the no-password note, and one radio per store', async () => {
    const response = await open({ state: 'look', scope: 'read:products write:orders' });
    const headers = response.headers();
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['content-security-policy']).toContain(`form-action 'self' ${new URL(callback.url()).origin}`);
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");

    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Claude Desktop wants access to your Whatalo store');
    const body = await page.locator('main').innerText();
    expect(body).toContain('See your products, categories and prices');
    expect(body).toContain('Change the status and payment status of orders');
    expect(body).not.toContain('See your customers');
    // Each permission is a ticked box the merchant may untick.
    await expect(page.getByRole('checkbox', { name: /See your products/ }).isChecked()).resolves.toBe(true);
    expect(await page.getByRole('checkbox').count()).toBe(2);
    expect(body).toContain('no password is needed');
    const merchantName = await page.locator('#merchant-name').textContent();
    expect(merchantName?.length).toBeGreaterThan(0);

    const radios = page.getByRole('radio');
    expect(await radios.count()).toBe(sb.stores.length);
    for (const store of sb.stores) {
      // Each store is reachable by its accessible name, i.e. properly labelled.
      await expect(page.getByRole('radio', { name: new RegExp(store.name) }).isChecked()).resolves.toBe(false);
    }
    // Stores are told apart by more than a name: currency and address are on each choice.
    const choices = await page.locator('label.store').allInnerTexts();
    expect(choices).toHaveLength(sb.stores.length);
    expect(new Set(choices.map((c) => c.split('\n').at(-1))).size).toBe(sb.stores.length);
    await expect(page.getByRole('button', { name: 'Approve' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Deny' }).isVisible()).resolves.toBe(true);
    // Nothing external: no scripts, no images, no stylesheets from anywhere.
    expect(await page.locator('script, img, link[rel=stylesheet], iframe').count()).toBe(0);
  });

  it('approve with a chosen store reaches the loopback callback with code and state (no iss); the token is for that store', async () => {
    const verifier = pkce();
    const store = sb.stores[1]!;
    await open({ state: 'approve-1', verifier });
    await page.getByRole('radio', { name: new RegExp(store.name) }).check();
    await Promise.all([page.waitForURL(/\/callback\?/), page.getByRole('button', { name: 'Approve' }).click()]);
    await expect(page.locator('#back').textContent()).resolves.toBe('Back in the app');

    expect(callback.hits).toHaveLength(1);
    const hit = callback.hits[0]!;
    expect(hit.get('state')).toBe('approve-1');
    expect(hit.has('iss')).toBe(false);
    const code = hit.get('code')!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const tokens = await postForm(
      sb,
      '/oauth/token',
      { grant_type: 'authorization_code', code, redirect_uri: callback.url(), code_verifier: verifier.verifier },
      client,
    );
    expect(tokens.status).toBe(200);
    const info = await introspect(sb, tokens.body.access_token as string, client);
    expect(info.body).toMatchObject({ active: true, whatalo_store_id: store.id, scope: 'read:products read:store' });
  });

  it('the merchant unticks a permission: the app gets fewer scopes than it asked for', async () => {
    const verifier = pkce();
    await open({ state: 'fewer', scope: 'read:products write:products read:orders', verifier });
    await page.getByRole('checkbox', { name: /Create, change and delete products/ }).uncheck();
    await page.getByRole('radio', { name: new RegExp(sb.stores[0]!.name) }).check();
    await Promise.all([page.waitForURL(/\/callback\?/), page.getByRole('button', { name: 'Approve' }).click()]);
    const tokens = await postForm(
      sb,
      '/oauth/token',
      { grant_type: 'authorization_code', code: callback.hits[0]!.get('code')!, redirect_uri: callback.url(), code_verifier: verifier.verifier },
      client,
    );
    expect(tokens.body.scope).toBe('read:products read:orders');
  });

  it('deny reaches the callback with error=access_denied and state, and no code', async () => {
    await open({ state: 'deny-1' });
    await Promise.all([page.waitForURL(/\/callback\?/), page.getByRole('button', { name: 'Deny' }).click()]);
    expect(callback.hits).toHaveLength(1);
    const hit = callback.hits[0]!;
    expect(hit.get('error')).toBe('access_denied');
    expect(hit.get('state')).toBe('deny-1');
    expect(hit.has('iss')).toBe(false);
    expect(hit.has('code')).toBe(false);
  });

  it('approve reaches an IPv6 loopback callback too', async () => {
    const six = await startCallback('::1');
    try {
      const sixClient = await register(sb, { client_name: 'Claude Desktop', redirect_uris: [six.url()] });
      await open({ state: 'six', redirectUri: six.url(), c: sixClient });
      await page.getByRole('radio', { name: new RegExp(sb.stores[0]!.name) }).check();
      await Promise.all([page.waitForURL(/\/callback\?/), page.getByRole('button', { name: 'Approve' }).click()]);
      expect(six.hits).toHaveLength(1);
      expect(six.hits[0]!.get('state')).toBe('six');
      expect(six.hits[0]!.get('code')).toHaveLength(43);
    } finally {
      await six.close();
    }
  });

  it('approval without a store is refused with a clear page; choosing one then succeeds', async () => {
    await open({ state: 'nostore' });
    // The browser itself asks for a store (required radios), so submit past that check.
    await page.getByRole('button', { name: 'Approve' }).click();
    expect(page.url()).toContain('/oauth/authorize?');
    // Page scripts run as strings: the tests compile without the DOM lib.
    await page.evaluate("document.querySelectorAll('input[type=radio]').forEach((r) => r.removeAttribute('required'))");
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/oauth/authorize/decision')),
      page.getByRole('button', { name: 'Approve' }).click(),
    ]);
    expect(refused.status()).toBe(400);
    await expect(page.getByRole('alert').innerText()).resolves.toContain('Choose a store before you approve.');
    expect(callback.hits).toHaveLength(0);

    await page.getByRole('radio', { name: new RegExp(sb.stores[0]!.name) }).check();
    await Promise.all([page.waitForURL(/\/callback\?/), page.getByRole('button', { name: 'Approve' }).click()]);
    expect(callback.hits).toHaveLength(1);
    expect(callback.hits[0]!.get('state')).toBe('nostore');
  });

  for (const [label, tamper] of [
    ['missing', 'remove'],
    ['forged', 'forge'],
  ] as const) {
    it(`a ${label} CSRF token is refused with a 403 page and no redirect`, async () => {
      const grantsBefore = (await sb.grants()).length;
      await open({ state: `csrf-${label}` });
      await page.getByRole('radio', { name: new RegExp(sb.stores[0]!.name) }).check();
      await page.evaluate(
        tamper === 'remove'
          ? "document.querySelector('input[name=csrf_token]').remove()"
          : "(i => { i.value = 'forged-' + i.value.slice(7); })(document.querySelector('input[name=csrf_token]'))",
      );
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/oauth/authorize/decision')),
        page.getByRole('button', { name: 'Approve' }).click(),
      ]);
      expect(answer.status()).toBe(403);
      expect(answer.headers().location).toBeUndefined();
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('This form could not be accepted');
      expect(callback.hits).toHaveLength(0);
      expect((await sb.grants()).length).toBe(grantsBefore);
    });
  }

  it('reflected text is escaped: a hostile client_name shows as text and runs nothing', async () => {
    const name = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>"\'&';
    const hostile = await register(sb, { client_name: name, redirect_uris: [callback.url()] });
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await open({ state: '<script>', c: hostile });
    await expect(page.locator('#app-name').textContent()).resolves.toBe(name);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('the Connected apps page disconnects an app with its button', async () => {
    const verifier = pkce();
    await open({ state: 'settings', verifier });
    await page.getByRole('radio', { name: new RegExp(sb.stores[0]!.name) }).check();
    await Promise.all([page.waitForURL(/\/callback\?/), page.getByRole('button', { name: 'Approve' }).click()]);
    const tokens = await postForm(
      sb,
      '/oauth/token',
      { grant_type: 'authorization_code', code: callback.hits[0]!.get('code')!, redirect_uri: callback.url(), code_verifier: verifier.verifier },
      client,
    );
    const access = tokens.body.access_token as string;
    expect((await introspect(sb, access, client)).body.active).toBe(true);

    await page.goto(`${sb.issuer}/sandbox/settings`);
    const button = page.getByRole('button', { name: `Disconnect Claude Desktop from ${sb.stores[0]!.name}` });
    await Promise.all([page.waitForURL(/\/sandbox\/settings$/), button.click()]);
    expect((await introspect(sb, access, client)).body).toEqual({ active: false });
    expect(await page.getByRole('button', { name: `Disconnect Claude Desktop from ${sb.stores[0]!.name}` }).count()).toBe(0);
  });
});

describe('consent form tokens (no browser needed)', () => {
  const sb = useTestSandbox();

  it('a CSRF token is single-use: the same form posted twice is refused the second time', async () => {
    const client = await register(sb);
    const response = await fetch(authorizeUrl(sb, { client, state: 'twice' }));
    const form = consentForm(await response.text());
    const fields = { request_id: form.requestId, csrf_token: form.csrf, decision: 'approve', store_id: sb.stores[0]!.id, scope: form.scopes };
    expect((await decide(sb, fields)).status).toBe(303);
    const again = await decide(sb, fields);
    expect(again.status).toBe(403);
    expect(again.headers.get('location')).toBeNull();
  });

  it('a token from one consent request does not unlock another', async () => {
    const client = await register(sb);
    const a = consentForm(await (await fetch(authorizeUrl(sb, { client, state: 'a' }))).text());
    const b = consentForm(await (await fetch(authorizeUrl(sb, { client, state: 'b' }))).text());
    const crossed = await decide(sb, { request_id: a.requestId, csrf_token: b.csrf, decision: 'approve', store_id: sb.stores[0]!.id });
    expect(crossed.status).toBe(403);
    expect(crossed.headers.get('location')).toBeNull();
  });

  it('a consent page left open past ten minutes of sandbox time cannot approve', async () => {
    const client = await register(sb);
    const form = consentForm(await (await fetch(authorizeUrl(sb, { client, state: 'late' }))).text());
    await sb.advanceClock(601);
    const late = await decide(sb, { request_id: form.requestId, csrf_token: form.csrf, decision: 'approve', store_id: sb.stores[0]!.id });
    expect(late.status).toBe(400);
    expect(late.headers.get('location')).toBeNull();
    expect(await late.text()).toContain('This sign-in has expired');
  });
});
