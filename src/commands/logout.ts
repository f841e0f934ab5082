/**
 * `whatalo-mcp logout`: revokes the stored tokens at Whatalo (RFC 7009, CONTRACT B5) and
 * deletes them here. When Whatalo cannot be reached the local copy goes anyway, and we say
 * that the tokens may still be live until they expire.
 */
import { detectLocale, translator } from '../i18n/index.js';
import { escapeControls } from '../safe-text.js';
import { withAccount } from './account-session.js';
import { ACCOUNT_OPTIONS, type Command, printResult } from './command.js';

export const logoutCommand: Command = {
  name: 'logout',
  get summary() {
    return translator().t('cli.summary.logout');
  },
  get usage() {
    return `whatalo-mcp logout\n\n${translator().t('usage.account')}`;
  },
  options: { ...ACCOUNT_OPTIONS },
  run: (ctx) =>
    withAccount(ctx, { offlineRemote: true }, async ({ config, account }) => {
      const report = await account.logout();
      const { t } = translator(detectLocale(ctx.env));
      if (report.had_grant && !report.removed) {
        ctx.stderr.write(t('logout.notSignedOut', { problem: escapeControls(report.problem ?? t('logout.unreadable')) }) + '\n');
        return 1;
      }
      if (!report.had_grant) {
        printResult(
          ctx,
          config.remoteUrl ? t('logout.notSignedInRemote', { url: config.remoteUrl.href }) : t('logout.notSignedIn', { issuer: config.issuer.origin }),
        );
      } else if (report.revoked) {
        printResult(ctx, t(config.remoteUrl ? 'logout.revokedRemote' : 'logout.revoked', { store: report.credential_store }));
      } else {
        printResult(ctx, t('logout.localOnly', { store: report.credential_store, problem: report.problem ?? t('cli.unknownReason') }));
      }
      return 0;
    }),
};
