/**
 * `npm run demo` is the README's first command: it must work on a fresh machine with no
 * browser, and through the real consent page where there is one, in the person's language
 * (LANG=es_MX.UTF-8 → Spanish, LANG=en_US.UTF-8 → English), money and dates the person's way
 * in the store's currency and time zone.
 */
import { CHROMIUM, itWith } from '../helpers/requirements.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { browserAvailable, ordersTable, productsTable, storeLine } from '../../src/commands/demo.js';
import { fromTag, translator } from '../../src/i18n/index.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { CHROMIUM_BROWSER } from '../auth/kit.js';
import { runCli } from '../helpers/cli.js';

// The demo's throwaway dirs go to this run's own TMPDIR, so another run's demo in the shared /tmp cannot be counted as ours.
const privateTmp = mkdtempSync(path.join(os.tmpdir(), 'whatalo-demotest-'));
afterAll(() => rmSync(privateTmp, { recursive: true, force: true }));
const demoDirs = () => new Set(readdirSync(privateTmp).filter((name) => name.startsWith('whatalo-demo-')));

const ENGLISH = { LANG: 'en_US.UTF-8' };
const SPANISH = { LANG: 'es_MX.UTF-8' };

/** What the whole demo printed, tool by tool, in English. */
function expectWholeDemo(stdout: string) {
  expect(stdout).toMatch(/get_store → La Milpa Mercado \(str_\w+\), currency MXN, time zone America\/Mexico_City/);
  expect(stdout).toMatch(/list_products \{limit: 5\}[^\n]*\n\s+id\s+name\s+price\s+visibility\n/);
  // Five products priced in the store's currency, the person's way.
  expect(stdout.match(/^\s+\d{12}\s{2}.*\$[\d,]+\.\d{2} MXN\s+(shown|hidden)$/gm)).toHaveLength(5);
  expect(stdout).toMatch(/list_orders \{limit: 5\} → most recent orders:\n\s+#\s+date\s+customer\s+amount\s+status\s+payment\n/);
  // Five orders, each dated on the store's calendar (`Dec 7, 2026`).
  expect(stdout.match(/^\s+\d+\s{2,}[A-Z][a-z]{2} \d{1,2}, \d{4}\s{2}.*\$[\d,]+\.\d{2} MXN\s{2}/gm)).toHaveLength(5);
  expect(stdout).toMatch(/asked Whatalo for "write:orders": a real host would now\n\s+open the consent page for it/);
  expect(stdout).not.toMatch(/was not completed within/);
}

/** The same in Spanish, with no English sentence left. */
function expectWholeDemoInSpanish(stdout: string) {
  expect(stdout).toMatch(/get_store → La Milpa Mercado \(str_\w+\), moneda MXN, zona horaria America\/Mexico_City/);
  expect(stdout).toMatch(/list_products \{limit: 5\} → primera página[^\n]*\n\s+id\s+nombre\s+precio\s+visibilidad\n/);
  expect(stdout.match(/^\s+\d{12}\s{2}.*\$[\d,]+\.\d{2} MXN\s+(visible|oculto)$/gm)).toHaveLength(5);
  expect(stdout).toMatch(/list_orders \{limit: 5\} → pedidos más recientes:\n\s+#\s+fecha\s+cliente\s+importe\s+estado\s+pago\n/);
  // `7 dic 2026`: day, Spanish month, year.
  expect(stdout.match(/^\s+\d+\s{2,}\d{1,2} [a-z]{3,4}\.? \d{4}\s{2}.*\$[\d,]+\.\d{2} MXN\s{2}/gm)).toHaveLength(5);
  expect(stdout).toMatch(/el servidor le pidió a Whatalo "write:orders": una aplicación real abriría\n\s+ahora la página de autorización/);
  expect(stdout).toContain('Para usarlo desde Claude Desktop, agrega esto a claude_desktop_config.json');
  for (const english of ['Signed in', 'No browser here', 'Connected to', 'first page', 'most recent orders', 'a real host would', 'To use it from']) {
    expect(stdout, english).not.toContain(english);
  }
}

/** The claude_desktop_config.json entry the demo printed: the JSON block that starts a line with `{`. */
function printedEntry(stdout: string): { command: string; args: string[] } {
  const block = /^\{\n[\s\S]*?\n\}$/m.exec(stdout);
  expect(block, stdout).not.toBeNull();
  return JSON.parse(block![0]).mcpServers.whatalo;
}

/** Launches `entry` as a desktop host does, from `/` with next to no environment, and lists its tools. */
async function listToolsAsHost(entry: { command: string; args: string[] }): Promise<string[]> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'whatalo-host-'));
  const transport = new StdioClientTransport({ command: entry.command, args: entry.args, cwd: '/', env: { HOME: home }, stderr: 'pipe' });
  const client = new Client({ name: 'host', version: '0' });
  try {
    await client.connect(transport);
    return (await client.listTools()).tools.map((t) => t.name);
  } finally {
    await client.close();
    rmSync(home, { recursive: true, force: true });
  }
}

describe('whatalo-mcp demo', () => {
  it('with no browser, LANG=en_US.UTF-8: approves the demo store itself, says so in English, drives a stdio server, prints the config entry', async () => {
    const before = demoDirs();
    const result = await runCli(['demo'], { env: { ...ENGLISH, BROWSER: 'none', TMPDIR: privateTmp }, timeoutMs: 55_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/No browser here: approving the demo store "La Milpa Mercado" \(str_\w+\) automatically/);
    expect(result.stdout).toMatch(/Signed in to store La Milpa Mercado \(str_\w+\) with read:/);
    expect(result.stdout).toContain(`Connected to whatalo-mcp `);
    expect(result.stdout).toMatch(new RegExp(`Connected to whatalo-mcp \\d+\\.\\d+\\.\\d+: ${ALL_TOOLS.length} tools\\.`));
    expectWholeDemo(result.stdout);
    // The entry it prints works as printed: absolute paths, launched from / with a bare env.
    const entry = printedEntry(result.stdout);
    expect(path.isAbsolute(entry.command)).toBe(true);
    expect(path.isAbsolute(entry.args[0]!)).toBe(true);
    expect(await listToolsAsHost(entry)).toHaveLength(ALL_TOOLS.length);
    // The throwaway config dir (the encrypted grant) is gone.
    expect([...demoDirs()].filter((d) => !before.has(d))).toEqual([]);
  }, 60_000);

  it('with no browser, LANG=es_MX.UTF-8: the whole demo in Spanish, money and dates the Mexican way', async () => {
    const result = await runCli(['demo'], { env: { ...SPANISH, BROWSER: 'none', TMPDIR: privateTmp }, timeoutMs: 55_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Sandbox de Whatalo en marcha en http:\/\/127\.0\.0\.1:\d+/);
    expect(result.stdout).toMatch(/Aquí no hay navegador: se aprueba automáticamente la tienda de demostración "La Milpa Mercado" \(str_\w+\)/);
    expect(result.stdout).toMatch(/Sesión iniciada en la tienda La Milpa Mercado \(str_\w+\) con read:/);
    expect(result.stdout).toMatch(new RegExp(`Conectado a whatalo-mcp \\d+\\.\\d+\\.\\d+: ${ALL_TOOLS.length} herramientas\\.`));
    expectWholeDemoInSpanish(result.stdout);
    expect(printedEntry(result.stdout).args.at(-1)).toBe('serve');
  }, 60_000);

  it('its help is in the person language', async () => {
    const es = await runCli(['demo', '--help'], { env: SPANISH });
    expect(es.code).toBe(0);
    expect(es.stdout + es.stderr).toContain('Inicia un Whatalo de prueba local (sin cuenta, sin red)');
    expect(es.stdout + es.stderr).toContain('--no-browser   aprueba la tienda de demostración');
    const en = await runCli(['demo', '--help'], { env: ENGLISH });
    expect(en.stdout + en.stderr).toContain('Starts a local sandbox Whatalo (no account, no network)');
  });

  it('detects whether a person could be shown a browser', () => {
    expect(browserAvailable({ BROWSER: 'none', DISPLAY: ':0' }, 'linux')).toBe(false);
    expect(browserAvailable({ BROWSER: 'firefox' }, 'linux')).toBe(true);
    expect(browserAvailable({}, 'linux')).toBe(false);
    expect(browserAvailable({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBe(true);
    expect(browserAvailable({}, 'darwin')).toBe(true);
  });

  itWith(
    CHROMIUM,
    'with a browser, LANG=es_MX.UTF-8: the merchant approves on the real consent page, in Spanish, in headless chromium',
    async () => {
      const log = path.join(privateTmp, 'browser.log');
      const result = await runCli(['demo'], {
        env: { ...SPANISH, BROWSER: CHROMIUM_BROWSER, WHATALO_TEST_BROWSER_LOG: log, TMPDIR: privateTmp },
        timeoutMs: 58_000,
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/aprueba el acceso en la página de autorización que se abre en tu navegador/);
      expect(result.stdout).not.toMatch(/Aquí no hay navegador/);
      expectWholeDemoInSpanish(result.stdout);
      // The consent page the person saw was in their language too.
      const seen = readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { lang?: string; app?: string })
        .find((entry) => entry.app !== undefined);
      expect(seen?.lang).toBe('es');
    },
    60_000,
  );
});

describe('what the demo prints, in each language (no sandbox needed)', () => {
  const es = translator(fromTag('es_MX.UTF-8')!);
  const en = translator(fromTag('en_US.UTF-8')!);
  const store = { id: 'str_ab12cd34', name: 'La Milpa Mercado', currency: 'MXN', timezone: 'America/Mexico_City' };
  const products = [
    { id: 482910375561, name: 'Mole negro 500 g', price: 2967.5, is_active: true },
    { id: 482910375562, name: 'Chapulines', price: 85, is_active: false },
  ];
  // 02:00 UTC on 8 December is still the 7th in Mexico City.
  const orders = [
    {
      order_number: 1042,
      created_at: '2026-12-08T02:00:00Z',
      customer_name: 'Ana Ruiz',
      total: 2967.5,
      currency: 'MXN',
      status: 'in_progress',
      payment_status: 'paid',
    },
    {
      order_number: 1041,
      created_at: '2026-11-30T18:00:00Z',
      customer_name: 'Luis Pérez',
      total: 1500,
      currency: 'COP',
      status: 'on_hold',
      payment_status: 'refunded',
    },
  ];

  it('the store line says currency and time zone in the person language', () => {
    expect(storeLine(es, store)).toBe('get_store → La Milpa Mercado (str_ab12cd34), moneda MXN, zona horaria America/Mexico_City');
    expect(storeLine(en, store)).toBe('get_store → La Milpa Mercado (str_ab12cd34), currency MXN, time zone America/Mexico_City');
  });

  it('products: prices in the store currency (`$2,967.50 MXN`), visibility in words', () => {
    expect(productsTable(es, products, store).split('\n')).toEqual([
      '  id            nombre            precio         visibilidad',
      '  ------------  ----------------  -------------  -----------',
      '  482910375561  Mole negro 500 g  $2,967.50 MXN  visible',
      '  482910375562  Chapulines        $85.00 MXN     oculto',
    ]);
    const english = productsTable(en, products, store);
    expect(english).toMatch(/^\s+id\s+name\s+price\s+visibility$/m);
    expect(english).toMatch(/Chapulines\s+\$85\.00 MXN\s+hidden$/m);
  });

  it('orders: dated on the store calendar, each total in its own currency, statuses in words (an unknown one as sent)', () => {
    const spanish = ordersTable(es, orders, store).split('\n');
    expect(spanish[0]).toMatch(/^\s+#\s+fecha\s+cliente\s+importe\s+estado\s+pago$/);
    expect(spanish[2]).toMatch(/^\s+1042\s+7 dic 2026\s+Ana Ruiz\s+\$2,967\.50 MXN\s+en preparación\s+pagado$/);
    expect(spanish[3]).toMatch(/^\s+1041\s+30 nov 2026\s+Luis Pérez\s+\$1,500(\.00)? COP\s+on_hold\s+reembolsado$/);
    const english = ordersTable(en, orders, store).split('\n');
    expect(english[0]).toMatch(/^\s+#\s+date\s+customer\s+amount\s+status\s+payment$/);
    expect(english[2]).toMatch(/^\s+1042\s+Dec 7, 2026\s+Ana Ruiz\s+\$2,967\.50 MXN\s+in progress\s+paid$/);
  });
});
