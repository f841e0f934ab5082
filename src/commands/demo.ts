/**
 * `whatalo-mcp demo`: the README's first command. The whole product on the embedded sandbox:
 * sign in (through the consent page in a browser where there is one, otherwise approving the
 * demo store by itself, and saying so), then `whatalo-mcp serve` launched as a child process
 * exactly as a desktop host launches it, driven by the SDK's Client, with a few tools shown.
 *
 * Nothing outlives it: the sandbox, the child and the throwaway config dir (an encrypted file
 * store with a random key, so the child can read the grant) are gone when it ends.
 *
 * What it prints is in the person's language (WHATALO_LANG, LC_ALL, LC_MESSAGES, LANG), money
 * and dates through the translator in the store's currency and time zone; tool names, their
 * arguments and the values the API sends stay as they are.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WhataloError } from '../errors.js';
import { type MessageKey, type Translator, detectLocale, translator } from '../i18n/index.js';
import type { Command, CommandContext } from './command.js';

/** A human can only approve a consent page if a browser can be shown to them. */
export function browserAvailable(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): boolean {
  if (env.BROWSER !== undefined && env.BROWSER !== '') return env.BROWSER !== 'none';
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

interface ToolAnswer {
  isError?: boolean;
  content?: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
}

function textOf(answer: ToolAnswer): string {
  return (answer.content ?? [])
    .map((c) => c.text ?? '')
    .join(' ')
    .trim();
}

type Row = Record<string, unknown>;

function table(rows: Row[], columns: Array<[header: string, cell: (row: Row) => string]>): string {
  const cells = rows.map((row) => columns.map(([, cell]) => cell(row)));
  const widths = columns.map(([header], i) => Math.max(header.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: string[]) =>
    '  ' +
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(columns.map(([h]) => h)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));

/** An amount in `currency` the person's way (`$2,967.50 MXN`); a plain number when the currency is unknown. */
function amount(t: Translator, value: unknown, currency: unknown): string {
  const n = Number(value);
  if (value === null || value === undefined || !Number.isFinite(n)) return text(value);
  return typeof currency === 'string' && currency ? t.money(n, currency) : t.number(n);
}

/** API values a person reads in the orders table; a value the catalog does not know shows as sent. */
type ValueKey = Extract<MessageKey, `demo.status.${string}` | `demo.payment.${string}`>;
const VALUE_KEYS: Readonly<Record<'status' | 'payment_status', Readonly<Record<string, ValueKey>>>> = {
  status: {
    pending: 'demo.status.pending',
    confirmed: 'demo.status.confirmed',
    in_progress: 'demo.status.in_progress',
    completed: 'demo.status.completed',
    cancelled: 'demo.status.cancelled',
    returned: 'demo.status.returned',
  },
  payment_status: {
    pending: 'demo.payment.pending',
    paid: 'demo.payment.paid',
    refunded: 'demo.payment.refunded',
    failed: 'demo.payment.failed',
  },
};

function valueText(t: Translator, field: 'status' | 'payment_status', value: unknown): string {
  const key = typeof value === 'string' && Object.hasOwn(VALUE_KEYS[field], value) ? VALUE_KEYS[field][value] : undefined;
  return key ? t.t(key) : text(value);
}

/** `get_store`'s line: the store, its currency and time zone. */
export function storeLine(t: Translator, store: Row): string {
  return `get_store → ${t.t('demo.store', { store: text(store.name), id: text(store.id), currency: text(store.currency), timeZone: text(store.timezone) })}`;
}

/** The first products, priced in the store's currency (products carry none, CONTRACT). */
export function productsTable(t: Translator, items: Row[], store: Row): string {
  return table(items, [
    ['id', (r) => text(r.id)],
    [t.t('demo.col.name'), (r) => text(r.name)],
    [t.t('demo.col.price'), (r) => amount(t, r.price, store.currency)],
    [t.t('demo.col.visibility'), (r) => t.t(r.is_active === false ? 'demo.hidden' : 'demo.shown')],
  ]);
}

/** The latest orders, each total in its own currency, each date on the store's calendar. */
export function ordersTable(t: Translator, items: Row[], store: Row): string {
  const timeZone = typeof store.timezone === 'string' ? store.timezone : undefined;
  return table(items, [
    ['#', (r) => text(r.order_number)],
    [t.t('demo.col.date'), (r) => (typeof r.created_at === 'string' ? t.date(r.created_at, timeZone) : '')],
    [t.t('demo.col.customer'), (r) => text(r.customer_name)],
    [t.t('demo.col.amount'), (r) => amount(t, r.total, r.currency ?? store.currency)],
    [t.t('demo.col.status'), (r) => valueText(t, 'status', r.status)],
    [t.t('demo.col.payment'), (r) => valueText(t, 'payment_status', r.payment_status)],
  ]);
}

/**
 * The claude_desktop_config.json entry that works on this machine now: this Node and this
 * copy's dist/cli.js, by absolute path. A host starts servers with a minimal PATH and an
 * unrelated working directory, so `node` or a relative path may not resolve, and
 * `npx -y whatalo-mcp` works only once the package is published.
 */
export function desktopConfigEntry(cli = fileURLToPath(new URL('../cli.js', import.meta.url)), node = process.execPath): string {
  return JSON.stringify({ mcpServers: { whatalo: { command: node, args: [cli, 'serve'] } } }, null, 2);
}

export const demoCommand: Command = {
  name: 'demo',
  // Read when help is printed, so they follow this process's language.
  get summary() {
    return translator().t('demo.summary');
  },
  get usage() {
    return `whatalo-mcp demo [--no-browser]\n\n${translator().t('demo.usage')}`;
  },
  options: { 'no-browser': { type: 'boolean' } },
  async run(ctx) {
    const out = (line = '') => ctx.stdout.write(line + '\n');
    const t = translator(detectLocale(ctx.env));
    const [{ loadConfig }, { createLogger }, { ALL_TOOLS }, { initialScopes, requiredScopes }, { createAccount }, { startEmbeddedSandbox }] = await Promise.all(
      [
        import('../config.js'),
        import('../log.js'),
        import('../tools/index.js'),
        import('../tools/catalog.js'),
        import('../auth/account.js'),
        import('./embedded.js'),
      ],
    );
    const interactive = ctx.values['no-browser'] !== true && browserAvailable(ctx.env);
    const logger = createLogger({ level: 'warn', name: 'demo', write: (line) => ctx.stderr.write(line + '\n') });

    const dir = await mkdtemp(path.join(os.tmpdir(), 'whatalo-demo-'));
    const embedded = await startEmbeddedSandbox({
      logger: createLogger({ level: 'warn', name: 'sandbox', write: (l) => ctx.stderr.write(l + '\n') }),
      consentPage: interactive,
      locale: t.locale,
    }).catch(async (error: unknown) => {
      await rm(dir, { recursive: true, force: true });
      throw error;
    });
    const { sandbox } = embedded;
    const firstStore = sandbox.stores[0]!;
    try {
      const stores = sandbox.stores.map((s) => `${s.name} ${s.id}`).join(', ');
      out(t.t('demo.running', { issuer: sandbox.issuer, merchant: sandbox.merchant, stores }));

      // The grant goes to an encrypted file in a throwaway dir, so the child server can read it.
      const env: NodeJS.ProcessEnv = {
        WHATALO_ISSUER: sandbox.issuer,
        WHATALO_API_BASE: sandbox.apiBase,
        WHATALO_CONFIG_DIR: dir,
        WHATALO_CREDENTIAL_STORE: 'file',
        WHATALO_CREDENTIAL_KEY: randomBytes(32).toString('hex'),
        BROWSER: interactive ? ctx.env.BROWSER : 'none',
      };
      const config = loadConfig(env);
      const requestedScopes = initialScopes(ALL_TOOLS);
      const account = createAccount(config, {
        logger,
        requestedScopes,
        registeredScopes: requiredScopes(ALL_TOOLS),
        ...(interactive ? {} : { openBrowser: embedded.openBrowser }),
      });

      out();
      out(interactive ? t.t('demo.signingIn') : t.t('demo.autoApproving', { store: firstStore.name, storeId: firstStore.id }));
      const login = await account.login({ signal: ctx.signal, timeoutSeconds: interactive ? 300 : 30 });
      const signedStore = sandbox.stores.find((s) => s.id === login.store_id);
      const storeName = signedStore ? `${signedStore.name} (${signedStore.id})` : String(login.store_id);
      out(t.t('demo.signedIn', { store: storeName, scopes: login.scopes.join(', ') }));

      out();
      out(t.t('demo.launching'));
      const [{ Client }, { StdioClientTransport }] = await Promise.all([
        import('@modelcontextprotocol/sdk/client/index.js'),
        import('@modelcontextprotocol/sdk/client/stdio.js'),
      ]);
      const cli = fileURLToPath(new URL('../cli.js', import.meta.url));
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: [cli, 'serve'],
        // A short sign-in bound so the scope denial below answers quickly; no browser for it.
        env: { ...childBaseEnv(ctx.env), ...env, BROWSER: 'none', WHATALO_LOGIN_TIMEOUT: '2', WHATALO_LOG_LEVEL: 'error' } as Record<string, string>,
        stderr: 'pipe',
      });
      let serverLog = '';
      transport.stderr?.on('data', (chunk: Buffer) => (serverLog += chunk.toString('utf8')));
      const client = new Client({ name: 'whatalo-mcp-demo', version: '1.0.0' });
      try {
        await client.connect(transport);
        const info = client.getServerVersion();
        const { tools } = await client.listTools();
        out(t.t('demo.connected', { server: `${info?.name} ${info?.version}`, tools: t.t('count.tools', { n: tools.length }) }));

        const call = async (name: string, args: Record<string, unknown> = {}): Promise<ToolAnswer> =>
          (await client.callTool({ name, arguments: args }, undefined, { signal: ctx.signal, timeout: 60_000 })) as ToolAnswer;
        const expectOk = (name: string, answer: ToolAnswer) => {
          if (answer.isError) throw new WhataloError('API_ERROR', t.t('demo.toolFailed', { tool: name, reason: textOf(answer) }));
          return answer.structuredContent ?? {};
        };

        const store = expectOk('get_store', await call('get_store')).store as Row;
        out();
        out(storeLine(t, store));

        const products = expectOk('list_products', await call('list_products', { limit: 5 }));
        out();
        out(`list_products {limit: 5} → ${t.t('demo.products')}${products.has_more ? ` ${t.t('demo.moreProducts')}` : ''}:`);
        out(productsTable(t, products.items as Row[], store));

        const orders = expectOk('list_orders', await call('list_orders', { limit: 5 }));
        out();
        out(`list_orders {limit: 5} → ${t.t('demo.orders')}`);
        const recent = orders.items as Row[];
        out(ordersTable(t, recent, store));

        const target = recent.find((o) => o.status === 'pending' || o.status === 'confirmed') ?? recent[0];
        if (target) {
          out();
          out(`update_order_status {order_id: ${String(target.id)}, status: cancelled} → ${t.t('demo.writeWithReadGrant')}`);
          const denied = await call('update_order_status', { order_id: target.id, status: 'cancelled' });
          if (!denied.isError) throw new WhataloError('API_ERROR', t.t('demo.writeRan'));
          if (!textOf(denied).includes('"write:orders"')) {
            throw new WhataloError('API_ERROR', t.t('demo.toolFailed', { tool: 'update_order_status', reason: textOf(denied) }));
          }
          // The demo gives the step-up sign-in 2 s and no browser, so it ends unapproved on purpose.
          out(t.t('demo.stepUp', { scope: 'write:orders' }));
        }
      } catch (error) {
        if (serverLog.trim()) ctx.stderr.write(`server stderr:\n${serverLog}\n`);
        throw error;
      } finally {
        await client.close().catch(() => {});
      }

      await account.logout().catch(() => {});
      out();
      out(t.t('demo.desktop'));
      out(desktopConfigEntry());
      out(t.t('demo.afterInstall'));
      return 0;
    } finally {
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

/**
 * What the child needs from our environment to run at all (PATH, HOME…) and to speak the
 * person's language (the locale chain), and nothing of ours.
 */
function childBaseEnv(env: CommandContext['env']): Record<string, string> {
  const keep = ['PATH', 'HOME', 'USERPROFILE', 'APPDATA', 'SYSTEMROOT', 'TMPDIR', 'TEMP', 'TMP', 'LANG', 'LC_ALL', 'LC_MESSAGES', 'WHATALO_LANG'];
  return Object.fromEntries(keep.flatMap((k) => (env[k] !== undefined ? [[k, env[k]!]] : [])));
}
