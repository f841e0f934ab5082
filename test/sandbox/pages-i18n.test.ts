/**
 * The sandbox's pages in the merchant's language (issue 31): the consent page, its refusals,
 * the error pages and the Connected apps page in Spanish or English, as Chromium shows them,
 * `<html lang>` saying which; and the Connected apps table inside its card at 1024 px.
 *
 * Set WHATALO_TEST_SCREENSHOT_DIR to keep the settings page's screenshot for a look.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fromTag } from '../../src/i18n/index.js';
import { ALL_SCOPES } from '../../src/scopes.js';
import { CHROMIUM_ARGS } from '../fixtures/chromium-args.mjs';
import { CLI_PATH } from '../helpers/cli.js';
import { CHROMIUM, CHROMIUM_PATH, describeWith } from '../helpers/requirements.js';
import { type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';
import { authorizeUrl, consentForm, decide, register, signIn, type RegisteredClient } from './as-kit.js';

const SPANISH = fromTag('es_MX.UTF-8')!;
const ENGLISH = fromTag('en_US.UTF-8')!;

/** A loopback "app" that receives the authorization response. */
async function startCallback(): Promise<{ url: string; hits: URLSearchParams[]; close(): Promise<void> }> {
  const hits: URLSearchParams[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/callback') hits.push(url.searchParams);
    res.writeHead(200, { 'content-type': 'text/html' }).end('<h1 id="back">Back in the app</h1>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/callback`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describeWith(CHROMIUM, 'the sandbox pages in the merchant language, in headless Chromium', () => {
  let context: BrowserContext;
  let profile: string;
  let page: Page;
  const sandboxes: TestSandbox[] = [];
  const callbacks: Array<Awaited<ReturnType<typeof startCallback>>> = [];

  beforeAll(async () => {
    profile = await mkdtemp(path.join(os.tmpdir(), 'whatalo-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: ['--headless', ...CHROMIUM_ARGS] });
  });
  afterAll(async () => {
    await context?.close();
    await Promise.all([...sandboxes.map((s) => s.close()), ...callbacks.map((c) => c.close())]);
    if (profile) await rm(profile, { recursive: true, force: true });
  });
  beforeEach(async () => {
    page = await context.newPage();
  });
  afterEach(async () => {
    await page.close();
  });

  async function sandboxIn(locale: typeof SPANISH) {
    const sb = await startTestSandbox({ locale });
    sandboxes.push(sb);
    const callback = await startCallback();
    callbacks.push(callback);
    const client = await register(sb, { client_name: 'Claude Desktop', redirect_uris: [callback.url] });
    return { sb, callback, client };
  }

  async function openConsent(sb: TestSandbox, client: RegisteredClient, scope = 'read:products write:orders') {
    const response = await page.goto(authorizeUrl(sb, { client, scope, state: 'lang' }));
    expect(response?.status()).toBe(200);
  }

  it('with a Spanish locale: the consent page, its permissions and buttons are in Spanish, and approving works', async () => {
    const { sb, callback, client } = await sandboxIn(SPANISH);
    await openConsent(sb, client);
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Claude Desktop quiere acceder a tu tienda de Whatalo');
    expect(await page.title()).toBe('Autorizar a Claude Desktop · Sandbox de Whatalo');
    const body = await page.locator('main').innerText();
    expect(body).toContain('Sesión iniciada como');
    expect(body).toContain('no se necesita contraseña');
    expect(body).toContain('Podrá:');
    expect(body).toContain('Elige la única tienda que esta aplicación podrá usar');
    // The permissions in plain Spanish, the scope names as sent.
    await expect(page.getByRole('checkbox', { name: /Ver tus productos, categorías y precios/ }).isChecked()).resolves.toBe(true);
    await expect(page.getByRole('checkbox', { name: /Cambiar el estado y el estado de pago de los pedidos/ }).isChecked()).resolves.toBe(true);
    expect(body).toContain('write:orders');
    for (const english of ['wants access', 'Signed in as', 'See your products', 'Choose the one store', 'Approve', 'Deny', 'sandbox: no password']) {
      expect(body, english).not.toContain(english);
    }
    // Stores told apart by currency and address, whatever the language.
    const choices = await page.locator('label.store').allInnerTexts();
    expect(choices).toHaveLength(sb.stores.length);
    expect(new Set(choices.map((c) => c.split('\n').at(-1))).size).toBe(sb.stores.length);
    expect(choices.join('\n')).toMatch(/MXN · https:\/\//);

    await page.getByRole('radio', { name: new RegExp(sb.stores[0]!.name) }).check();
    await Promise.all([page.waitForURL(/\/callback\?/), page.getByRole('button', { name: 'Aprobar' }).click()]);
    expect(callback.hits).toHaveLength(1);
    expect(callback.hits[0]!.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('with an English locale: the same page in English', async () => {
    const { sb, client } = await sandboxIn(ENGLISH);
    await openConsent(sb, client);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Claude Desktop wants access to your Whatalo store');
    const body = await page.locator('main').innerText();
    expect(body).toContain('See your products, categories and prices');
    expect(body).not.toContain('Ver tus productos');
    await expect(page.getByRole('button', { name: 'Approve' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: 'Deny' }).isVisible()).resolves.toBe(true);
  });

  it('in Spanish: a refused approval explains itself in Spanish, and Rechazar reaches the app with access_denied', async () => {
    const { sb, callback, client } = await sandboxIn(SPANISH);
    await openConsent(sb, client);
    await page.evaluate("document.querySelectorAll('input[type=radio]').forEach((r) => r.removeAttribute('required'))");
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/oauth/authorize/decision')),
      page.getByRole('button', { name: 'Aprobar' }).click(),
    ]);
    expect(refused.status()).toBe(400);
    await expect(page.getByRole('alert').innerText()).resolves.toBe('Elige una tienda antes de aprobar.');
    await Promise.all([page.waitForURL(/\/callback\?/), page.getByRole('button', { name: 'Rechazar' }).click()]);
    expect(callback.hits.at(-1)!.get('error')).toBe('access_denied');
  });

  it('in Spanish: the error pages (a bad link, an unknown app, a forged form) are in Spanish; the OAuth code stays as is', async () => {
    const { sb, client } = await sandboxIn(SPANISH);
    const bad = await page.goto(authorizeUrl(sb, { client, redirectUri: 'http://127.0.0.1:1/elsewhere' }));
    expect(bad?.status()).toBe(400);
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Este enlace de inicio de sesión no es válido');
    await expect(page.getByRole('alert').innerText()).resolves.toContain('no está registrada para esta aplicación');
    await expect(page.locator('#error-code').textContent()).resolves.toBe('invalid_redirect_uri');
    expect(await page.locator('main').innerText()).toContain('Cierra esta ventana');

    await page.goto(authorizeUrl(sb, { client: { ...client, client_id: 'cli_nobody' } }));
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Whatalo no conoce esta aplicación');
    await expect(page.getByRole('alert').innerText()).resolves.toBe('No hay ninguna aplicación registrada como "cli_nobody".');

    // A consent form posted with another request's token: the 403 page, in Spanish.
    const form = consentForm(await (await fetch(authorizeUrl(sb, { client }))).text());
    const forged = await decide(sb, { request_id: form.requestId, csrf_token: 'forged', decision: 'approve', store_id: sb.stores[0]!.id });
    expect(forged.status).toBe(403);
    const html = await forged.text();
    expect(html).toContain('<html lang="es">');
    expect(html).toContain('No se pudo aceptar este formulario');
    expect(html).toContain('No se aprobó nada.');
  });

  it('in Spanish: Connected apps, with Spanish permissions and dates on the store calendar; the table stays inside its card at 1024 px', async () => {
    const { sb } = await sandboxIn(SPANISH);
    // The worst case for the table: a long unbroken app name, every permission, and a second row.
    const longName = 'Asistente-de-inventario-y-pedidos-para-La-Milpa-Mercado-y-sus-sucursales-del-Bajío';
    const wide = await register(sb, { client_name: longName });
    await signIn(sb, wide, { scope: ALL_SCOPES.join(' '), storeId: sb.stores[0]!.id });
    const other = await register(sb, { client_name: 'Claude Desktop' });
    await signIn(sb, other, { scope: 'read:orders', storeId: sb.stores[1]!.id });

    await page.setViewportSize({ width: 1024, height: 900 });
    await page.goto(`${sb.issuer}/sandbox/settings`);
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Aplicaciones conectadas');
    const headers = await page.locator('thead th').allInnerTexts();
    expect(headers).toEqual(['Aplicación', 'Tienda', 'Acceso', 'Conectada', 'Acción']);
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(2);
    const first = await rows.nth(0).innerText();
    expect(first).toContain('Ver tus productos, categorías y precios');
    expect(first).toContain('Crear, cambiar y eliminar webhooks');
    expect(first).not.toContain('See your');
    // The date the Spanish way (`7 dic 2026, 11:05`), not an ISO time in UTC.
    expect(first).toMatch(/\d{1,2} [a-z]{3,4}\.? \d{4}/);
    expect(first).not.toContain('UTC');
    await expect(page.getByRole('button', { name: `Desconectar Claude Desktop de ${sb.stores[1]!.name}` }).isVisible()).resolves.toBe(true);

    const dir = process.env.WHATALO_TEST_SCREENSHOT_DIR;
    if (dir) await page.screenshot({ path: path.join(dir, 'settings-1024.png'), fullPage: true });
    // Nothing sticks out of the card, and the page does not scroll sideways.
    const fit = (await page.evaluate(`(() => {
      const main = document.querySelector('main').getBoundingClientRect();
      const table = document.querySelector('table').getBoundingClientRect();
      const cells = [...document.querySelectorAll('td, th')].map((c) => c.getBoundingClientRect().right);
      const wrap = document.querySelector('.table-wrap');
      const page = document.documentElement.scrollWidth;
      return { main: main.right, table: table.right, cells: Math.max(...cells), page, wrap: wrap.scrollWidth - wrap.clientWidth };
    })()`)) as { main: number; table: number; cells: number; page: number; wrap: number };
    expect(fit.table).toBeLessThanOrEqual(fit.main);
    expect(fit.cells).toBeLessThanOrEqual(fit.main);
    expect(fit.wrap).toBe(0);
    expect(fit.page).toBeLessThanOrEqual(1024);

    await Promise.all([
      page.waitForURL(/\/sandbox\/settings$/),
      page.getByRole('button', { name: `Desconectar Claude Desktop de ${sb.stores[1]!.name}` }).click(),
    ]);
    expect(await page.locator('tbody tr').count()).toBe(1);
  });
});

describe('the sandbox process picks its pages language from its environment', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  async function errorPageWith(env: Record<string, string>): Promise<string> {
    if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run \`npm run build\` first`);
    child = spawn(process.execPath, [CLI_PATH, 'sandbox'], {
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
      });
      child!.once('exit', () => reject(new Error('the sandbox exited before it printed its address')));
    });
    const { issuer } = JSON.parse(line) as { issuer: string };
    const page = await (await fetch(`${issuer}/oauth/authorize?client_id=cli_nobody`, { signal: AbortSignal.timeout(10_000) })).text();
    child.kill('SIGTERM');
    return page;
  }

  it('LANG=es_MX.UTF-8 gives Spanish pages, LANG=en_US.UTF-8 English ones, WHATALO_LANG first', async () => {
    const es = await errorPageWith({ LANG: 'es_MX.UTF-8' });
    expect(es).toContain('<html lang="es">');
    expect(es).toContain('Whatalo no conoce esta aplicación');
    const en = await errorPageWith({ LANG: 'en_US.UTF-8' });
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('This app is not known to Whatalo');
    expect(await errorPageWith({ LANG: 'en_US.UTF-8', WHATALO_LANG: 'es' })).toContain('Whatalo no conoce esta aplicación');
  }, 30_000);
});
