/**
 * `whatalo-mcp sandbox`: runs the fake Whatalo on loopback until SIGINT/SIGTERM.
 * The first stdout line is one JSON object a script can read; everything else is stderr.
 */
import { WhataloError } from '../errors.js';
import { createLogger, type LogLevel } from '../log.js';
import { startSandbox } from '../sandbox/index.js';
import type { Command } from './command.js';

function integerFlag(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new WhataloError('CONFIG_INVALID', `--${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

function stringFlag(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

const LOG_LEVELS = new Set(['error', 'warn', 'info', 'debug']);

export const sandboxCommand: Command = {
  name: 'sandbox',
  summary: 'Run a local fake Whatalo (OAuth server, consent page, API v1) on 127.0.0.1',
  usage: `whatalo-mcp sandbox [--port N] [--host 127.0.0.1] [--auto-approve STORE_ID|first] [--rate-limit N]

  --port N                  port to listen on; 0 (default) picks a free one
  --host H                  loopback address to bind (127.0.0.1 default, ::1, localhost)
  --auto-approve STORE_ID   skip the consent page and approve at once for that store
                            ("first" = the merchant's first store)
  --rate-limit N            API v1 requests allowed per 60 s (default 600)

Prints one JSON line on stdout: {"issuer","api_base","merchant","stores":[{"id","name"}]}.
Logs go to stderr. Stop it with Ctrl-C.`,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'auto-approve': { type: 'string' },
    'rate-limit': { type: 'string' },
  },
  async run(ctx) {
    const port = integerFlag('port', stringFlag(ctx.values.port), 0, 65535) ?? 0;
    const limit = integerFlag('rate-limit', stringFlag(ctx.values['rate-limit']), 1, 1_000_000);
    const levelEnv = ctx.env.WHATALO_LOG_LEVEL;
    const level = levelEnv && LOG_LEVELS.has(levelEnv) ? (levelEnv as LogLevel) : 'info';
    const logger = createLogger({ name: 'sandbox', level, write: (line) => ctx.stderr.write(line + '\n') });
    const sandbox = await startSandbox({
      host: stringFlag(ctx.values.host) ?? '127.0.0.1',
      port,
      autoApprove: stringFlag(ctx.values['auto-approve']),
      rateLimit: limit === undefined ? undefined : { limit, windowSeconds: 60 },
      logger,
    });
    ctx.stdout.write(
      JSON.stringify({ issuer: sandbox.issuer, api_base: sandbox.apiBase, merchant: sandbox.merchant, stores: sandbox.stores }) + '\n',
    );
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
