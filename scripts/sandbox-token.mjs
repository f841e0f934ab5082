#!/usr/bin/env node
/**
 * Gets an access token for `serve --http` on the sandbox the way an HTTP MCP client would:
 * POST without a token → the 401's resource_metadata → RFC 9728 metadata → the AS → DCR →
 * PKCE authorization (the sandbox approves by itself: its auto-approve control, on by default
 * with `serve --http --sandbox`) → the code for a token whose resource is the server's URL.
 *
 *   node scripts/sandbox-token.mjs MCP_URL [OUT_FILE] [--scope "read:store write:products"]
 *
 * The token goes to OUT_FILE (mode 0600, created new: an existing file is refused), never to
 * stdout or stderr: CI reads it from there. Without OUT_FILE it goes to a new private temp
 * directory, never into the working tree, where a token could end up in a commit. `--scope`
 * asks for those scopes (and registers them as the client's ceiling); without it, the scope of
 * the server's challenge. All OAuth steps are oauth4webapi's; plain http is accepted for
 * loopback addresses only.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as oauth from 'oauth4webapi';

const USAGE = 'usage: node scripts/sandbox-token.mjs MCP_URL [OUT_FILE] [--scope "SCOPE ..."]';
let cli;
try {
  cli = parseArgs({ allowPositionals: true, options: { scope: { type: 'string' } } });
} catch (error) {
  console.error(`sandbox-token: ${error.message}\n${USAGE}`);
  process.exit(2);
}
const [mcpUrl, outArg, ...extra] = cli.positionals;
if (!mcpUrl || extra.length > 0) {
  console.error(USAGE);
  process.exit(2);
}
const outFile = outArg ?? path.join(mkdtempSync(path.join(os.tmpdir(), 'whatalo-token-')), 'token');
const REDIRECT_URI = 'http://127.0.0.1/callback';
function fail(message) {
  console.error(`sandbox-token: ${message}`);
  process.exit(1);
}
const timeout = () => AbortSignal.timeout(10_000);

function loopbackOnly(url) {
  const { protocol, hostname } = new URL(url);
  if (protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(hostname)) throw new Error(`not a loopback sandbox address: ${url}`);
  return { [oauth.allowInsecureRequests]: true, signal: timeout() };
}

// 1. The server's challenge names its metadata.
const unauthenticated = await fetch(mcpUrl, {
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
  body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
  signal: timeout(),
});
if (unauthenticated.status !== 401) fail(`expected 401 from ${mcpUrl} without a token, got ${unauthenticated.status}`);
// The challenge is only read for its hints; the metadata below is found and checked by oauth4webapi.
const challenge = unauthenticated.headers.get('www-authenticate') ?? '';
if (!/^Bearer\b.*\bresource_metadata="[^"]+"/i.test(challenge)) fail('the 401 has no Bearer challenge with resource_metadata');
const scope = cli.values.scope?.trim() || /\bscope="([^"]*)"/.exec(challenge)?.[1];

// 2. RFC 9728 metadata (its `resource` must be the URL exactly) → the AS.
const resource = new URL(mcpUrl);
const metadata = await oauth.processResourceDiscoveryResponse(resource, await oauth.resourceDiscoveryRequest(resource, loopbackOnly(resource)));
const issuer = new URL(metadata.authorization_servers?.[0] ?? fail('the metadata names no authorization server'));
const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...loopbackOnly(issuer) }));

// 3. DCR as a public client.
const client = await oauth.processDynamicClientRegistrationResponse(
  await oauth.dynamicClientRegistrationRequest(
    as,
    {
      client_name: 'whatalo-mcp sandbox-token',
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      // Whatalo keeps the registered scope as the client's ceiling (CONTRACT A5).
      ...(scope ? { scope } : {}),
    },
    loopbackOnly(issuer),
  ),
);

// 4. PKCE authorization; the sandbox approves without a page and redirects with the code.
const verifier = oauth.generateRandomCodeVerifier();
const state = oauth.generateRandomState();
const authorize = new URL(as.authorization_endpoint);
for (const [k, v] of Object.entries({
  response_type: 'code',
  client_id: client.client_id,
  redirect_uri: REDIRECT_URI,
  code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
  code_challenge_method: 'S256',
  state,
  resource: mcpUrl,
  ...(scope ? { scope } : {}),
}))
  authorize.searchParams.set(k, v);
const redirect = await fetch(authorize, { redirect: 'manual', signal: timeout() });
const location = redirect.headers.get('location');
if (redirect.status !== 302 || !location?.startsWith(REDIRECT_URI))
  fail(`the sandbox did not approve by itself (HTTP ${redirect.status}); turn auto-approve on: POST /sandbox/authorization {"auto_approve": STORE_ID}`);
const params = oauth.validateAuthResponse(as, client, new URL(location), state);

// 5. The code for a token issued for this server.
const tokens = await oauth.processAuthorizationCodeResponse(
  as,
  client,
  await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, REDIRECT_URI, verifier, {
    additionalParameters: { resource: mcpUrl },
    ...loopbackOnly(issuer),
  }),
);
// 'wx': never overwrite (or follow a link planted at) an existing file.
try {
  writeFileSync(outFile, tokens.access_token, { mode: 0o600, flag: 'wx' });
} catch (error) {
  fail(`cannot write the token to ${outFile}: ${error.code === 'EEXIST' ? 'the file exists (name a new one)' : error.message}`);
}
console.error(`sandbox-token: a token for ${mcpUrl} (scope ${tokens.scope ?? scope ?? '?'}) is in ${outFile}`);
