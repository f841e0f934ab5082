/**
 * CONTRACT A20: RFC 8693 token exchange for resource servers, and API v1's audience check
 * that makes a forwarded (passthrough) token fail visibly.
 */
import { describe, expect, it } from 'vitest';
import type { TestSandbox } from '../helpers/sandbox.js';
import { type RegisteredClient, introspect, postForm, register, revoke, signIn, useSandboxWithClient } from './as-kit.js';

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';
const RS_RESOURCE = 'https://mcp.example/mcp';

function exchange(sb: TestSandbox, rs: RegisteredClient | null, subject: string, extra: Record<string, string | string[]> = {}) {
  return postForm(sb, '/oauth/token', { grant_type: EXCHANGE, subject_token: subject, subject_token_type: ACCESS_TOKEN, ...extra }, rs);
}

async function apiStore(sb: TestSandbox, token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${sb.apiBase}/store`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('token exchange (CONTRACT A20)', () => {
  const { sb, client } = useSandboxWithClient({ autoApprove: 'first' });
  const rs = {} as RegisteredClient;
  const signInForRs = (scope = 'read:store read:products') => signIn(sb, client, { scope, tokenExtra: { resource: RS_RESOURCE } });

  it('is advertised, and a resource server registered by DCR with a resource may use it by default', async () => {
    const metadata = (await (await fetch(`${sb.issuer}/.well-known/oauth-authorization-server`)).json()) as { grant_types_supported: string[] };
    expect(metadata.grant_types_supported).toContain(EXCHANGE);
    Object.assign(rs, await register(sb, { redirect_uris: undefined, grant_types: undefined, resource: RS_RESOURCE, client_name: 'Test RS' }));
    expect(rs.grant_types).toEqual([EXCHANGE]);
    expect(rs.resource).toBe(RS_RESOURCE);
  });

  it('gives a token for API v1 with the same store, the same scopes and no later expiry; no refresh token', async () => {
    const inbound = await signInForRs();
    const answer = await exchange(sb, rs, inbound.access_token);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toMatchObject({ issued_token_type: ACCESS_TOKEN, token_type: 'Bearer', scope: 'read:store read:products' });
    expect(answer.body.refresh_token).toBeUndefined();
    expect(answer.body.expires_in as number).toBeLessThanOrEqual(inbound.expires_in);
    const api = await apiStore(sb, answer.body.access_token as string);
    expect(api.status).toBe(200);
    expect((api.body.data as { id: string }).id).toBe(sb.stores[0]!.id);
    expect((await sb.stats()).exchanges).toBeGreaterThanOrEqual(1);
  });

  it('expires no later than the subject token, and narrows scopes but never widens them', async () => {
    const inbound = await signInForRs();
    await sb.advanceClock(3000);
    const late = await exchange(sb, rs, inbound.access_token);
    expect(late.body.expires_in as number).toBeLessThanOrEqual(600);
    const narrow = await exchange(sb, rs, inbound.access_token, { scope: 'read:store' });
    expect(narrow.body.scope).toBe('read:store');
    const wide = await exchange(sb, rs, inbound.access_token, { scope: 'read:store write:products' });
    expect({ status: wide.status, error: wide.body.error }).toEqual({ status: 400, error: 'invalid_scope' });
    await sb.advanceClock(601);
    expect((await apiStore(sb, late.body.access_token as string)).status).toBe(401);
  });

  it('refuses a subject token issued for another resource, a plain client, another target and a revoked subject', async () => {
    const forOther = await signIn(sb, client, { tokenExtra: { resource: 'https://elsewhere.example/' } });
    expect((await exchange(sb, rs, forOther.access_token)).body.error).toBe('invalid_request');
    const noAudience = await signIn(sb, client);
    expect((await exchange(sb, rs, noAudience.access_token)).body.error).toBe('invalid_request');
    const inbound = await signInForRs();
    // The client the token was issued to is not a resource server: no laundering its own token.
    expect((await exchange(sb, client, inbound.access_token)).body.error).toBe('unauthorized_client');
    expect((await exchange(sb, rs, inbound.access_token, { resource: 'https://elsewhere.example/v1' })).body.error).toBe('invalid_target');
    expect((await exchange(sb, rs, inbound.access_token, { subject_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' })).body.error).toBe(
      'invalid_request',
    );
    expect((await exchange(sb, null, inbound.access_token)).status).toBe(401);
    expect((await exchange(sb, rs, inbound.refresh_token)).body.error).toBe('invalid_request');
    await revoke(sb, inbound.access_token, client);
    expect((await exchange(sb, rs, inbound.access_token)).body.error).toBe('invalid_request');
  });

  it('an exchanged token stops working when its subject is revoked, and when the merchant disconnects the app', async () => {
    const first = await signInForRs();
    const exchanged = (await exchange(sb, rs, first.access_token)).body.access_token as string;
    expect((await apiStore(sb, exchanged)).status).toBe(200);
    await revoke(sb, first.access_token, client);
    expect((await apiStore(sb, exchanged)).status).toBe(401);

    const second = await signInForRs();
    const again = (await exchange(sb, rs, second.access_token)).body.access_token as string;
    await sb.disconnect(client.client_id, sb.stores[0]!.id);
    expect((await apiStore(sb, again)).status).toBe(401);
    expect((await introspect(sb, second.access_token, rs)).body).toEqual({ active: false });
  });
});

describe('API v1 audience check', () => {
  const { sb, client } = useSandboxWithClient({ autoApprove: 'first' });

  it('answers 401 invalid_token to a token issued for another server (a forwarded token), and accepts one without or for the API', async () => {
    const forRs = await signIn(sb, client, { tokenExtra: { resource: RS_RESOURCE } });
    const forwarded = await fetch(`${sb.apiBase}/store`, { headers: { authorization: `Bearer ${forRs.access_token}` } });
    expect(forwarded.status).toBe(401);
    expect(forwarded.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect((await apiStore(sb, (await signIn(sb, client)).access_token)).status).toBe(200);
    expect((await apiStore(sb, (await signIn(sb, client, { tokenExtra: { resource: sb.apiBase } })).access_token)).status).toBe(200);
  });
});
