/**
 * `whatalo-mcp demo`: the README's first command. The whole product on the embedded sandbox:
 * sign in (through the consent page in a browser where there is one, otherwise approving the
 * demo store by itself, and saying so), then `whatalo-mcp serve` launched as a child process
 * exactly as a desktop host launches it, driven by the SDK's Client, with a few tools shown.
 *
 * Nothing outlives it: the sandbox, the child and the throwaway config dir (an encrypted file
 * store with a random key, so the child can read the grant) are gone when it ends.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WhataloError } from '../errors.js';
import { formatMoney } from '../tools/money.js';
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

const money = (row: Row, field: string) => formatMoney(Number(row[field]), typeof row.currency === 'string' ? row.currency : null);

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
  summary: 'Run the whole product on the embedded sandbox: sign in, serve over stdio, call tools',
  usage: `whatalo-mcp demo [--no-browser]

Starts a local sandbox Whatalo (no account, no network), signs in to it, launches
\`whatalo-mcp serve\` as a desktop host would, calls a few tools and prints the results,
then the claude_desktop_config.json entry. Where a browser can be shown, sign-in goes
through the sandbox's consent page; otherwise (or with --no-browser) the demo store is
approved automatically. Nothing is kept afterwards.

  --no-browser   approve the demo store automatically even where a browser is available`,
  options: { 'no-browser': { type: 'boolean' } },
  async run(ctx) {
    const out = (text = '') => ctx.stdout.write(text + '\n');
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
    }).catch(async (error: unknown) => {
      await rm(dir, { recursive: true, force: true });
      throw error;
    });
    const { sandbox } = embedded;
    const firstStore = sandbox.stores[0]!;
    try {
      out(`Whatalo sandbox running at ${sandbox.issuer} (merchant ${sandbox.merchant}, stores ${sandbox.stores.map((s) => `${s.name} ${s.id}`).join(', ')}).`);

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
      if (interactive) {
        out('Signing in: approve access on the consent page that opens in your browser (choose a store).');
      } else {
        out(`No browser here: approving the demo store "${firstStore.name}" (${firstStore.id}) automatically, as the sandbox's --auto-approve does.`);
      }
      const login = await account.login({ signal: ctx.signal, timeoutSeconds: interactive ? 300 : 30 });
      out(`Signed in to store ${login.store_id} with ${login.scopes.join(', ')} (read scopes only: write scopes are asked for on first use).`);

      out();
      out('Launching `whatalo-mcp serve` over stdio, as a desktop host does…');
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
        out(`Connected to ${info?.name} ${info?.version}: ${tools.length} tools.`);

        const call = async (name: string, args: Record<string, unknown> = {}): Promise<ToolAnswer> =>
          (await client.callTool({ name, arguments: args }, undefined, { signal: ctx.signal, timeout: 60_000 })) as ToolAnswer;
        const expectOk = (name: string, answer: ToolAnswer) => {
          if (answer.isError) throw new WhataloError('API_ERROR', `${name} failed: ${textOf(answer)}`);
          return answer.structuredContent ?? {};
        };

        const store = expectOk('get_store', await call('get_store')).store as Row;
        out();
        out(`get_store → ${String(store.name)} (${String(store.id)}), currency ${String(store.currency)}, ${String(store.timezone)}`);

        const products = expectOk('list_products', await call('list_products', { limit: 5 }));
        out();
        out(`list_products {limit: 5} → first page${products.has_more ? ' (more pages via next_cursor)' : ''}:`);
        out(
          table(products.items as Row[], [
            ['id', (r) => String(r.id)],
            ['name', (r) => String(r.name)],
            ['price', (r) => money(r, 'price')],
            ['status', (r) => String(r.status)],
          ]),
        );

        const orders = expectOk('list_orders', await call('list_orders', { limit: 5 }));
        out();
        out('list_orders {limit: 5} → most recent orders:');
        const recent = orders.items as Row[];
        out(
          table(recent, [
            ['#', (r) => String(r.number)],
            ['customer', (r) => String(r.customer_name)],
            ['total', (r) => money(r, 'total')],
            ['status', (r) => String(r.status)],
            ['payment', (r) => String(r.payment_status)],
          ]),
        );

        const target = recent.find((o) => o.status === 'pending' || o.status === 'confirmed') ?? recent[0];
        if (target) {
          out();
          out(`update_order_status {order_id: ${String(target.id)}, status: cancelled} → with a read-only grant:`);
          const denied = await call('update_order_status', { order_id: target.id, status: 'cancelled' });
          if (!denied.isError) throw new WhataloError('API_ERROR', 'a write tool ran without its write scope');
          if (!textOf(denied).includes('"write:orders"')) throw new WhataloError('API_ERROR', `update_order_status failed otherwise: ${textOf(denied)}`);
          // The demo gives the step-up sign-in 2 s and no browser, so it ends unapproved on purpose.
          out('  the grant holds read scopes only, so the server asked Whatalo for "write:orders": a real host would now');
          out('  open the consent page for it, and the call would run once the merchant approves. Nothing was changed.');
        }
      } catch (error) {
        if (serverLog.trim()) ctx.stderr.write(`server stderr:\n${serverLog}\n`);
        throw error;
      } finally {
        await client.close().catch(() => {});
      }

      await account.logout().catch(() => {});
      out();
      out('To use it from Claude Desktop, add this to claude_desktop_config.json (this copy of whatalo-mcp,');
      out('run by this Node; add "--sandbox" to args to try it on the sandbox store instead of your own):');
      out(desktopConfigEntry());
      out('After `npm install -g .` (or of a packed tarball), "command": "whatalo-mcp" with "args": [] works too;');
      out('`npx -y whatalo-mcp` works once the package is published to npm.');
      return 0;
    } finally {
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

/** What the child needs from our environment to run at all (PATH, HOME…), and nothing of ours. */
function childBaseEnv(env: CommandContext['env']): Record<string, string> {
  const keep = ['PATH', 'HOME', 'USERPROFILE', 'APPDATA', 'SYSTEMROOT', 'TMPDIR', 'TEMP', 'TMP', 'LANG'];
  return Object.fromEntries(keep.flatMap((k) => (env[k] !== undefined ? [[k, env[k]!]] : [])));
}
