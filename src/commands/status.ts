/**
 * `whatalo-mcp status`: whether this install is signed in, to which store, with which scopes,
 * from introspection (the AS's word, not a local guess). Never prints a token.
 */
import type { StatusReport } from '../auth/account.js';
import { withAccount } from './account-session.js';
import { ACCOUNT_OPTIONS, type Command, printResult } from './command.js';
import { merchantLabel, storeLabel } from './labels.js';

function describe(report: StatusReport): string {
  if (report.resource !== null) return describeRemote(report);
  if (!report.signed_in) {
    return [`Not signed in to Whatalo at ${report.issuer}.`, report.reason ?? '', `Credential store: ${report.credential_store}`].filter(Boolean).join('\n');
  }
  return [
    `Signed in to Whatalo at ${report.issuer}`,
    `  store:            ${storeLabel(report.store_id ?? '', report.store_name)}`,
    `  merchant:         ${merchantLabel(report.merchant ?? '', report.merchant_name)}`,
    `  scopes:           ${report.scopes.join(' ')}`,
    `  access token:     expires ${report.expires_at ?? 'at an unknown time'} (renewed automatically)`,
    `  credential store: ${report.credential_store}`,
  ].join('\n');
}

/** Remote mode: the remote server checks its tokens itself, so the grant is described as stored. */
function describeRemote(report: StatusReport): string {
  if (!report.signed_in) {
    return [
      `Not signed in for the MCP server at ${report.resource} (authorization server ${report.issuer}).`,
      report.reason ?? '',
      `Credential store: ${report.credential_store}`,
    ]
      .filter(Boolean)
      .join('\n');
  }
  return [
    `Signed in for the MCP server at ${report.resource}`,
    ...(report.store_id ? [`  store:                ${storeLabel(report.store_id, report.store_name)}`] : []),
    `  authorization server: ${report.issuer}`,
    `  scopes:               ${report.scopes.join(' ') || '(the server default)'}`,
    `  access token:         expires ${report.expires_at ?? 'at an unknown time'} (renewed automatically)`,
    `  credential store:     ${report.credential_store}`,
  ].join('\n');
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'Show whether you are signed in, to which store and with which scopes',
  usage: `whatalo-mcp status [--json]

  --json  print one JSON object on stdout (signed_in, store_id, store_name, merchant,
          merchant_name, scopes, expires_at, credential_store, issuer, resource)
  --issuer, --api-base  override WHATALO_ISSUER, WHATALO_API_BASE
  --resource URL  override WHATALO_RESOURCE (default: the origin of the API base)
  --remote URL  the grant for this remote MCP server (as serve --remote uses it; WHATALO_REMOTE_URL)

Exit status: 0 when signed in, 1 when not.`,
  options: { ...ACCOUNT_OPTIONS, json: { type: 'boolean' } },
  run: (ctx) =>
    withAccount(ctx, {}, async ({ account }) => {
      const report = await account.status();
      if (ctx.values.json === true) ctx.stdout.write(JSON.stringify(report) + '\n');
      else printResult(ctx, describe(report));
      return report.signed_in ? 0 : 1;
    }),
};
