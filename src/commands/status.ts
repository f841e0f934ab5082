/**
 * `whatalo-mcp status`: whether this install is signed in, to which store, with which scopes,
 * from introspection (the AS's word, not a local guess). Never prints a token.
 */
import type { StatusReport } from '../auth/account.js';
import { type Translator, detectLocale, translator } from '../i18n/index.js';
import { withAccount } from './account-session.js';
import { ACCOUNT_OPTIONS, type Command, printResult } from './command.js';
import { merchantLabel, storeLabel } from './labels.js';

/** `  label:  value` lines, the values aligned whatever the labels' language. */
function rows(pairs: [label: string, value: string][]): string[] {
  const width = Math.max(...pairs.map(([label]) => label.length)) + 1;
  return pairs.map(([label, value]) => `  ${`${label}:`.padEnd(width)} ${value}`);
}

function describe(report: StatusReport, i18n: Translator): string {
  const { t } = i18n;
  if (report.resource !== null) return describeRemote(report, i18n);
  if (!report.signed_in) {
    return [t('status.notSignedIn', { issuer: report.issuer }), report.reason ?? '', t('status.credentialStore', { store: report.credential_store })]
      .filter(Boolean)
      .join('\n');
  }
  return [
    t('status.signedIn', { issuer: report.issuer }),
    ...rows([
      [t('status.label.store'), storeLabel(report.store_id ?? '', report.store_name)],
      [t('status.label.merchant'), merchantLabel(report.merchant ?? '', report.merchant_name)],
      [t('status.label.scopes'), report.scopes.join(' ')],
      [t('status.label.token'), expires(report, i18n)],
      [t('status.label.credentialStore'), report.credential_store],
    ]),
  ].join('\n');
}

function expires(report: StatusReport, { t, dateTime }: Translator): string {
  return t('status.expires', { when: report.expires_at ? dateTime(report.expires_at) : t('status.unknownTime') });
}

/** Remote mode: the remote server checks its tokens itself, so the grant is described as stored. */
function describeRemote(report: StatusReport, i18n: Translator): string {
  const { t } = i18n;
  if (!report.signed_in) {
    return [
      t('status.notSignedInRemote', { resource: report.resource ?? '', issuer: report.issuer }),
      report.reason ?? '',
      t('status.credentialStore', { store: report.credential_store }),
    ]
      .filter(Boolean)
      .join('\n');
  }
  return [
    t('status.signedInRemote', { resource: report.resource ?? '' }),
    ...rows([
      // The store, when the remote server's AS let this client introspect the grant.
      ...(report.store_id ? [[t('status.label.store'), storeLabel(report.store_id, report.store_name)] as [string, string]] : []),
      [t('status.label.issuer'), report.issuer],
      [t('status.label.scopes'), report.scopes.join(' ') || t('login.serverDefault')],
      [t('status.label.token'), expires(report, i18n)],
      [t('status.label.credentialStore'), report.credential_store],
    ]),
  ].join('\n');
}

export const statusCommand: Command = {
  name: 'status',
  get summary() {
    return translator().t('cli.summary.status');
  },
  get usage() {
    const { t } = translator();
    return `whatalo-mcp status [--json]\n\n${t('usage.statusJson')}\n${t('usage.account')}\n\n${t('usage.statusExit')}`;
  },
  options: { ...ACCOUNT_OPTIONS, json: { type: 'boolean' } },
  run: (ctx) =>
    withAccount(ctx, {}, async ({ account }) => {
      const report = await account.status();
      if (ctx.values.json === true) ctx.stdout.write(JSON.stringify(report) + '\n');
      else printResult(ctx, describe(report, translator(detectLocale(ctx.env))));
      return report.signed_in ? 0 : 1;
    }),
};
