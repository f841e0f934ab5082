/**
 * `whatalo-mcp login`: signs in to Whatalo in the browser and stores the grant, so the MCP
 * server never has to ask. Running it again signs in again (to switch stores or scopes) and
 * revokes the grant it replaces.
 */
import type { Config } from '../config.js';
import { WhataloError } from '../errors.js';
import { detectLocale, translator } from '../i18n/index.js';
import { withAccount } from './account-session.js';
import { ACCOUNT_OPTIONS, type Command, SCOPES_HELP, printResult, stringFlag } from './command.js';
import { merchantLabel, storeLabel } from './labels.js';

/** A person at a terminal may need a while to find a password. */
const DEFAULT_TIMEOUT_SECONDS = 300;

function timeoutSeconds(raw: string | undefined, env: NodeJS.ProcessEnv, fallback: number): number {
  if (raw === undefined) return env.WHATALO_LOGIN_TIMEOUT ? fallback : DEFAULT_TIMEOUT_SECONDS;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < 1 || value > 3600) {
    throw new WhataloError('CONFIG_INVALID', translator(detectLocale(env)).t('login.timeoutInvalid', { raw }));
  }
  return value;
}

/**
 * The memory store forgets the grant when this command exits: a sign-in would "succeed", keep
 * nothing, and leave a live grant at the AS. Refused before any server is asked.
 */
function refuseMemoryStore(config: Config): void {
  if (config.credentialStore !== 'memory') return;
  const { t } = translator();
  throw new WhataloError('CONFIG_INVALID', t('login.memoryStore'), { hint: t('login.memoryStoreHint') });
}

export const loginCommand: Command = {
  name: 'login',
  get summary() {
    return translator().t('cli.summary.login');
  },
  get usage() {
    const synopsis = 'whatalo-mcp login [--scopes "read:store read:orders …"] [--timeout SECONDS] [--paste] [--switch-store]';
    return `${synopsis}\n\n${SCOPES_HELP}\n${translator().t('usage.login')}`;
  },
  options: {
    ...ACCOUNT_OPTIONS,
    scopes: { type: 'string' },
    timeout: { type: 'string' },
    paste: { type: 'boolean' },
    'switch-store': { type: 'boolean' },
  },
  run: (ctx) =>
    withAccount(
      ctx,
      {
        flags: { scopes: stringFlag(ctx, 'scopes') },
        check: (config) => {
          // A mistyped flag is the first thing to say; then whether a sign-in could be kept at all.
          timeoutSeconds(stringFlag(ctx, 'timeout'), ctx.env, config.loginTimeoutSeconds);
          refuseMemoryStore(config);
        },
        // Least privilege (CONTRACT B3): the read scopes of the enabled tools; writes come by step-up.
        async requestedScopes(config) {
          const [{ ALL_TOOLS }, { initialScopes, selectTools }] = await Promise.all([import('../tools/index.js'), import('../tools/catalog.js')]);
          return initialScopes(selectTools(ALL_TOOLS, { readOnly: config.readOnly, toolsets: config.toolsets }));
        },
        // Registered as the ceiling (CONTRACT AC4), so the server's later step-ups stay inside it.
        async registeredScopes(config) {
          const [{ ALL_TOOLS }, { requiredScopes, selectTools }] = await Promise.all([import('../tools/index.js'), import('../tools/catalog.js')]);
          return requiredScopes(selectTools(ALL_TOOLS, { readOnly: config.readOnly, toolsets: config.toolsets }));
        },
      },
      async ({ config, account }) => {
        const { t } = translator(detectLocale(ctx.env));
        const timeout = timeoutSeconds(stringFlag(ctx, 'timeout'), ctx.env, config.loginTimeoutSeconds);
        try {
          const report = await account.login({
            timeoutSeconds: timeout,
            switchStore: ctx.values['switch-store'] === true,
            signal: ctx.signal,
            onProgress: (message) => void ctx.stderr.write(message + '\n'),
            ...(ctx.values.paste === true ? { paste: { input: process.stdin, write: (text: string) => void ctx.stderr.write(text) } } : {}),
          });
          const status = await account.status();
          if (status.resource !== null) {
            printResult(
              ctx,
              [
                t('login.signedInRemote', { resource: status.resource, issuer: status.issuer }),
                t('login.scopes', { scopes: report.scopes.join(' ') || t('login.serverDefault') }),
                t('login.keptIn', { store: report.credential_store }),
              ].join('\n'),
            );
            return 0;
          }
          printResult(
            ctx,
            [
              t('login.signedIn', {
                merchant: merchantLabel(report.merchant ?? '', report.merchant_name),
                store: storeLabel(report.store_id ?? '', status.store_name),
              }),
              t('login.scopes', { scopes: report.scopes.join(' ') }),
              t('login.keptIn', { store: report.credential_store }),
            ].join('\n'),
          );
          return 0;
        } finally {
          // A pasted address was read from stdin; an open stdin would keep the process alive.
          if (ctx.values.paste === true) process.stdin.destroy();
        }
      },
    ),
};
