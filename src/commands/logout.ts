/**
 * `whatalo-mcp logout`: revokes the stored tokens at Whatalo (RFC 7009, CONTRACT B5) and
 * deletes them here. When Whatalo cannot be reached the local copy goes anyway, and we say
 * that the tokens may still be live until they expire.
 */
import { escapeControls } from '../safe-text.js';
import { withAccount } from './account-session.js';
import { ACCOUNT_OPTIONS, type Command, printResult } from './command.js';

export const logoutCommand: Command = {
  name: 'logout',
  summary: 'Revoke the Whatalo grant and remove it from the credential store',
  usage: `whatalo-mcp logout

  --issuer, --api-base  override WHATALO_ISSUER, WHATALO_API_BASE
  --resource URL  override WHATALO_RESOURCE (default: the origin of the API base)
  --remote URL  the grant for this remote MCP server (as serve --remote uses it; WHATALO_REMOTE_URL)`,
  options: { ...ACCOUNT_OPTIONS },
  run: (ctx) =>
    withAccount(ctx, { offlineRemote: true }, async ({ config, account }) => {
      const report = await account.logout();
      if (report.had_grant && !report.removed) {
        ctx.stderr.write(`Not signed out: ${escapeControls(report.problem ?? 'the stored credentials could not be read')}.\n`);
        return 1;
      }
      if (!report.had_grant) {
        const where = config.remoteUrl ? `for the MCP server at ${config.remoteUrl.href}` : `to Whatalo at ${config.issuer.origin}`;
        printResult(ctx, `Not signed in ${where}; nothing to sign out of.`);
      } else if (report.revoked) {
        printResult(
          ctx,
          `Signed out: the tokens were revoked at ${config.remoteUrl ? 'its authorization server' : 'Whatalo'} and removed from ${report.credential_store}.`,
        );
      } else {
        printResult(
          ctx,
          `Signed out here: the tokens were removed from ${report.credential_store}, but revocation did not reach Whatalo ` +
            `(${report.problem ?? 'unknown reason'}).\n` +
            'They stop working when they expire; to end them now, disconnect the app under Connected apps in your Whatalo settings.',
        );
      }
      return 0;
    }),
};
