/**
 * The bench's own side of the sandbox: a token obtained the way the server obtains one
 * (RFC 7591 registration of a public client, authorization code with PKCE S256, code
 * exchange), so the direct-API baseline sends exactly what the server would; and the
 * /sandbox/* controls the economy figures read.
 */
import { createHash, randomBytes } from 'node:crypto';

const REDIRECT_URI = 'http://127.0.0.1/callback';

async function json(response, what) {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/**
 * Signs the bench in as its own client; the sandbox must run with --auto-approve. `resource`
 * (RFC 8707) asks for a token for that server instead of for API v1.
 */
export async function directToken(issuer, scope, { resource } = {}) {
  const client = await json(
    await fetch(`${issuer}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'whatalo-mcp bench (direct baseline)',
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'none',
      }),
    }),
    'registration',
  );
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(8).toString('hex');
  const authorize = new URL(`${issuer}/oauth/authorize`);
  for (const [k, v] of Object.entries({
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: REDIRECT_URI,
    scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...(resource ? { resource } : {}),
  })) {
    authorize.searchParams.set(k, v);
  }
  const approval = await fetch(authorize, { redirect: 'manual' });
  await approval.arrayBuffer();
  const location = approval.headers.get('location');
  if (approval.status !== 302 || !location) {
    throw new Error(`authorize answered ${approval.status}, not a redirect: is the sandbox running with --auto-approve?`);
  }
  const back = new URL(location).searchParams;
  if (back.get('state') !== state || !back.get('code')) throw new Error(`authorize redirect carried no code for our state: ${back.get('error') ?? ''}`);
  const tokens = await json(
    await fetch(`${issuer}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: back.get('code'),
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
        client_id: client.client_id,
        ...(resource ? { resource } : {}),
      }).toString(),
    }),
    'token exchange',
  );
  return tokens.access_token;
}

export async function stats(issuer) {
  return json(await fetch(`${issuer}/sandbox/stats`), 'GET /sandbox/stats');
}

export async function resetStats(issuer) {
  return json(await fetch(`${issuer}/sandbox/reset-stats`, { method: 'POST' }), 'POST /sandbox/reset-stats');
}

export async function advanceClock(issuer, seconds) {
  return json(
    await fetch(`${issuer}/sandbox/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advance_seconds: seconds }),
    }),
    'POST /sandbox/clock',
  );
}

/**
 * What every get_product benchmark starts from: a token with every scope (directToken), the
 * sandbox's first store, and the id of its first product; throws when the sandbox lists none.
 */
export async function benchProduct(sandbox) {
  const { ALL_SCOPES } = await import('../../dist/scopes.js');
  const token = await directToken(sandbox.issuer, ALL_SCOPES.join(' '));
  const storeId = sandbox.stores[0].id;
  const headers = { authorization: `Bearer ${token}` };
  const list = await json(await fetch(`${sandbox.apiBase}/products?per_page=1`, { headers }), 'product list');
  const productId = list.data?.[0]?.id;
  if (!productId) throw new Error(`the sandbox listed no product: ${JSON.stringify(list).slice(0, 200)}`);
  return { token, storeId, productId };
}
