/**
 * `whatalo-mcp sandbox`: runs the fake Whatalo on loopback until SIGINT/SIGTERM.
 * The first stdout line is one JSON object a script can read; everything else is stderr.
 */
import { readFile } from 'node:fs/promises';
import { WhataloError } from '../errors.js';
import { createLogger, type LogLevel } from '../log.js';
import { type Command, stringFlag } from './command.js';

function integerFlag(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new WhataloError('CONFIG_INVALID', `--${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

/** Reads a --faults file: the JSON POST /sandbox/faults takes; startSandbox validates it. */
async function faultsFile(path: string | undefined): Promise<unknown> {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new WhataloError('CONFIG_INVALID', `--faults: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new WhataloError('CONFIG_INVALID', `--faults: ${path} is not valid JSON`, {
      hint: 'Write {"faults": [{"path": "/oauth/token", "status": 500}]} or similar.',
    });
  }
}

const LOG_LEVELS = new Set(['error', 'warn', 'info', 'debug']);

/**
 * The generous behaviours Whatalo does not promise (src/sandbox/as/flags.ts, CONTRACT AC6):
 * each CLI flag turns one on; without any, the sandbox is Whatalo as documented.
 */
const FLAG_OPTIONS = {
  'any-loopback-port': 'anyLoopbackPort',
  'store-hint': 'storeHint',
  'public-introspection': 'publicIntrospection',
  'iss-parameter': 'issParameter',
  'reference-metadata': 'referenceMetadata',
  'localhost-only': 'localhostOnly',
} as const;

/** The AS rate limits a test run may raise (Whatalo's: 10 registrations/h, 60 and 30 token requests/min). */
const LIMIT_OPTIONS = {
  'registration-limit': 'registrationsPerHour',
  'token-limit-ip': 'tokenPerMinutePerIp',
  'token-limit-client': 'tokenPerMinutePerClient',
} as const;

export const sandboxCommand: Command = {
  name: 'sandbox',
  summary: 'Run a local fake Whatalo (OAuth server, consent page, API v1) on 127.0.0.1',
  usage: `whatalo-mcp sandbox [--port N] [--host 127.0.0.1] [--auto-approve STORE_ID|first] [--rate-limit N] [--faults FILE]
                           [AS flags] [AS limits]

  --port N                  port to listen on; 0 (default) picks a free one
  --host H                  loopback address to bind (127.0.0.1 default, ::1, localhost)
  --auto-approve STORE_ID   skip the consent page and approve at once for that store
                            ("first" = the merchant's first store)
  --rate-limit N            API v1 requests allowed per 60 s (default 600)
  --faults FILE             start with these injected faults (JSON as POST /sandbox/faults
                            takes: {"faults":[{"path":"/api/v1/*","status":500,"rate":0.5}]});
                            change them later with POST/DELETE /sandbox/faults

The authorization server is Whatalo as documented unless a flag below says otherwise
(change them later with POST /sandbox/flags):
  --any-loopback-port       match a registered loopback redirect on any port (RFC 8252 §7.3);
                            Whatalo matches exactly, port included
  --store-hint              honour whatalo_store_id at authorize (offer that store alone)
  --public-introspection    let a public client introspect its own tokens
  --iss-parameter           send iss on the redirect and advertise RFC 9207
  --reference-metadata      omit the token exchange from grant_types_supported
  --localhost-only          refuse http://127.0.0.1 and [::1] redirect URIs (only localhost)
  --registration-limit N    registrations per IP per hour (Whatalo: 10)
  --token-limit-ip N        token requests per IP per minute (Whatalo: 60)
  --token-limit-client N    token requests per client_id per minute (Whatalo: 30)

Prints one JSON line on stdout: {"issuer","api_base","merchant","stores":[{"id","name"}]}.
Logs go to stderr. Stop it with Ctrl-C.`,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'auto-approve': { type: 'string' },
    'rate-limit': { type: 'string' },
    faults: { type: 'string' },
    ...Object.fromEntries(Object.keys(FLAG_OPTIONS).map((name) => [name, { type: 'boolean' as const }])),
    ...Object.fromEntries(Object.keys(LIMIT_OPTIONS).map((name) => [name, { type: 'string' as const }])),
  },
  async run(ctx) {
    const port = integerFlag('port', stringFlag(ctx, 'port'), 0, 65535) ?? 0;
    const limit = integerFlag('rate-limit', stringFlag(ctx, 'rate-limit'), 1, 1_000_000);
    const levelEnv = ctx.env.WHATALO_LOG_LEVEL;
    const level = levelEnv && LOG_LEVELS.has(levelEnv) ? (levelEnv as LogLevel) : 'info';
    const logger = createLogger({ name: 'sandbox', level, write: (line) => ctx.stderr.write(line + '\n') });
    // Loaded here, not at the top: cli.ts imports every command, and `serve` must not load the sandbox.
    const { startSandbox } = await import('../sandbox/index.js');
    const sandbox = await startSandbox({
      host: stringFlag(ctx, 'host') ?? '127.0.0.1',
      port,
      autoApprove: stringFlag(ctx, 'auto-approve'),
      rateLimit: limit === undefined ? undefined : { limit, windowSeconds: 60 },
      faults: await faultsFile(stringFlag(ctx, 'faults')),
      flags: Object.fromEntries(
        Object.entries(FLAG_OPTIONS)
          .filter(([name]) => ctx.values[name] === true)
          .map(([, key]) => [key, true]),
      ),
      limits: Object.fromEntries(
        Object.entries(LIMIT_OPTIONS).flatMap(([name, key]) => {
          const value = integerFlag(name, stringFlag(ctx, name), 1, 1_000_000);
          return value === undefined ? [] : [[key, value]];
        }),
      ),
      logger,
    });
    ctx.stdout.write(JSON.stringify({ issuer: sandbox.issuer, api_base: sandbox.apiBase, merchant: sandbox.merchant, stores: sandbox.stores }) + '\n');
    if (ctx.values.faults !== undefined)
      logger.warn(`injected faults from ${String(ctx.values.faults)} are active; see or clear them at ${sandbox.issuer}/sandbox/faults`);
    const generous = Object.keys(FLAG_OPTIONS).filter((name) => ctx.values[name] === true);
    if (generous.length > 0) logger.warn(`not Whatalo as documented: ${generous.map((n) => `--${n}`).join(', ')} on`);
    logger.info(`consent page approves ${ctx.values['auto-approve'] ? 'automatically' : 'by hand'}; connected apps at ${sandbox.issuer}/sandbox/settings`);
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    logger.info('stopping');
    await sandbox.close();
    return 0;
  },
};
