/**
 * The CLI and the sign-in pages speak the person's language: with LANG=es_MX.UTF-8 a merchant
 * reads Spanish, with LANG=en_US.UTF-8 English, from real processes (`node dist/cli.js`) and,
 * for the loopback pages, a real headless chromium that approves or denies on the sandbox's
 * consent page. Error codes, JSON and tool names stay English whatever the language.
 */
import path from 'node:path';
import { promises as fs } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { CHROMIUM, describeWith } from '../helpers/requirements.js';
import { type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';
import { CHROMIUM_BROWSER, removeTempDirs, sandboxEnv, tempDir } from '../auth/kit.js';

interface Expected {
  usage: RegExp;
  unknownCommand: RegExp;
  statusSignedOut: RegExp;
  logoutSignedOut: RegExp;
  callProgress: RegExp;
  notFound: RegExp;
  help: RegExp;
}

const LANGUAGES: [lang: string, expected: Expected][] = [
  [
    'es_MX.UTF-8',
    {
      usage: /^whatalo-mcp login: --timeout debe ser un número entero de segundos entre 1 y 3600 \(se recibió "ya"\)$/m,
      unknownCommand: /no existe el comando "comprar"\. Ejecuta `whatalo-mcp --help` para ver la lista\./,
      statusSignedOut: /^No has iniciado sesión en Whatalo en .*\nEjecuta `whatalo-mcp login` para iniciar sesión\.\nAlmacén de credenciales: /m,
      logoutSignedOut: /^No has iniciado sesión en Whatalo en .*; no hay sesión que cerrar\.$/m,
      callProgress: /^Whatalo aprobó el inicio de sesión; el permiso quedó guardado\.$/m,
      notFound: /^whatalo-mcp call get_product: No se encontró el producto '999999999999' en la tienda str_\w+$/m,
      help: /^Comandos:\n[\s\S]*login +Inicia sesión en Whatalo/m,
    },
  ],
  [
    'en_US.UTF-8',
    {
      usage: /^whatalo-mcp login: --timeout must be a whole number of seconds from 1 to 3600 \(got "ya"\)$/m,
      unknownCommand: /unknown command "comprar"\. Run `whatalo-mcp --help` for the list\./,
      statusSignedOut: /^Not signed in to Whatalo at .*\nRun `whatalo-mcp login` to sign in\.\nCredential store: /m,
      logoutSignedOut: /^Not signed in to Whatalo at .*; nothing to sign out of\.$/m,
      callProgress: /^Whatalo approved the sign-in; the grant is stored\.$/m,
      notFound: /^whatalo-mcp call get_product: product '999999999999' not found in store str_\w+$/m,
      help: /^Commands:\n[\s\S]*login +Sign in to Whatalo/m,
    },
  ],
];

/** Spanish words that never appear in the English texts, and the reverse, so a half-translated run fails. */
const OTHER_LANGUAGE: Record<string, RegExp> = {
  'es_MX.UTF-8': /\b(Not signed in|Run `|nothing to sign out|not found in store|must be a whole number|approved the sign-in)\b/,
  'en_US.UTF-8': /\b(sesión|Ejecuta|tienda|debe ser|aprobó)\b/,
};

describe.each(LANGUAGES)('the CLI with LANG=%s', (lang, expected) => {
  const env = { LANG: lang };

  it('a usage error and an unknown command', async () => {
    const usage = await runCli(['login', '--timeout', 'ya'], { env });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(expected.usage);
    const unknown = await runCli(['comprar'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(expected.unknownCommand);
    const help = await runCli(['--help'], { env });
    expect(help.stdout).toMatch(expected.help);
  });

  it('status and logout when signed out; status --json stays English', async () => {
    const status = await runCli(['status'], { env });
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(expected.statusSignedOut);
    expect(status.stdout).not.toMatch(OTHER_LANGUAGE[lang]!);
    const json = await runCli(['status', '--json'], { env });
    expect(JSON.parse(json.stdout)).toMatchObject({ signed_in: false });
    const logout = await runCli(['logout'], { env });
    expect(logout.code).toBe(0);
    expect(logout.stdout).toMatch(expected.logoutSignedOut);
  });

  it('call on the sandbox: the sign-in progress is translated, the JSON is not; a tool error is translated', async () => {
    const call = await runCli(['call', 'get_store', '--sandbox'], { env, timeoutMs: 40_000 });
    expect(call.code, call.stderr).toBe(0);
    expect(call.stderr).toMatch(expected.callProgress);
    expect(JSON.parse(call.stdout)).toMatchObject({ store: { name: 'La Milpa Mercado', currency: 'MXN' } });
    const missing = await runCli(['call', 'get_product', '{"product_id":"999999999999"}', '--sandbox'], { env, timeoutMs: 40_000 });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(expected.notFound);
  }, 60_000);
});

interface BrowserEnd {
  error?: string;
  heading?: string;
  finalLang?: string;
  finalText?: string;
}

async function browserEnd(file: string): Promise<BrowserEnd> {
  for (let i = 0; i < 600; i++) {
    const lines = (await fs.readFile(file, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as BrowserEnd & { final?: string });
    const end = lines.find((e) => 'final' in e || 'error' in e);
    if (end) return end;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the chromium fixture never finished');
}

const PAGES = {
  'es_MX.UTF-8': {
    lang: 'es',
    signedIn: 'Conectado a Whatalo',
    loginDone: /^Iniciaste sesión en Whatalo como .+ en la tienda .+\.\nPermisos: read:\S+/m,
    statusDone: /^Sesión iniciada en Whatalo en .+\n  tienda: +.+\n  comerciante: +.+\n  permisos: +read:/m,
    connected: 'ya puede trabajar con tu tienda',
    denied: 'No se compartió nada',
    nothingShared:
      /Rechazaste el acceso, así que Whatalo MCP \(desktop\) no puede ver ni cambiar nada de tu tienda\. Para conectarte más tarde, .*"whatalo-mcp login"/,
    deniedOnTerminal: /Rechazaste el acceso en la página de consentimiento de Whatalo, así que no se guardó nada\./,
  },
  'en_US.UTF-8': {
    lang: 'en',
    signedIn: 'Connected to Whatalo',
    loginDone: /^Signed in to Whatalo as .+ for store .+\.\nScopes: read:\S+/m,
    statusDone: /^Signed in to Whatalo at .+\n  store: +.+\n  merchant: +.+\n  scopes: +read:/m,
    connected: 'can now work with your store',
    denied: 'Nothing was shared',
    nothingShared: /You declined, so Whatalo MCP \(desktop\) cannot see or change anything in your store\. To connect later, .*"whatalo-mcp login"/,
    deniedOnTerminal: /Access was denied on the Whatalo consent page, so nothing was stored\./,
  },
} as const;

describeWith(CHROMIUM, 'the loopback pages after the consent page, in headless chromium', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(async () => {
    await sandbox?.close();
    await removeTempDirs();
  });

  async function login(lang: keyof typeof PAGES, decision: 'approve' | 'deny', storeIndex: number) {
    const dir = await tempDir();
    const log = path.join(dir, '..', `${path.basename(dir)}-chromium.log`);
    const store = sandbox.stores[storeIndex]!;
    const env = sandboxEnv(sandbox, dir, {
      LANG: lang,
      BROWSER: CHROMIUM_BROWSER,
      WHATALO_TEST_BROWSER_LOG: log,
      WHATALO_TEST_STORE_ID: store.id,
      WHATALO_TEST_DECISION: decision,
    });
    const result = await runCli(['login', '--timeout', '50'], { env, timeoutMs: 58_000 });
    return { result, end: await browserEnd(log), store, env };
  }

  for (const lang of Object.keys(PAGES) as (keyof typeof PAGES)[]) {
    const page = PAGES[lang];

    it(`${lang}: the success page names the app and the chosen store, by name and id`, async () => {
      // The second store: a page that named "your store" or the first one would not pass.
      const { result, end, store, env } = await login(lang, 'approve', 1);
      expect(end.error).toBeUndefined();
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(page.loginDone);
      expect((await runCli(['status'], { env })).stdout).toMatch(page.statusDone);
      expect(end.finalLang).toBe(page.lang);
      expect(end.heading).toBe(page.signedIn);
      expect(end.finalText).toContain(`Whatalo MCP (desktop) ${page.connected} ${store.name} (${store.id})`);
    }, 60_000);

    it(`${lang}: Deny gives a calm page that says nothing was shared and how to connect later, without Markdown`, async () => {
      const { result, end } = await login(lang, 'deny', 0);
      expect(end.error).toBeUndefined();
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(page.deniedOnTerminal);
      expect(end.finalLang).toBe(page.lang);
      expect(end.heading).toBe(page.denied);
      expect(end.finalText).toMatch(page.nothingShared);
      expect(end.finalText).not.toMatch(/[`*_]{1,2}\w|failed|falló|No se pudo/);
    }, 60_000);
  }
});
