/**
 * CONTRACT A10: RFC 8693 token exchange for any confidential client, with `resource` or
 * `audience`; API v1's own audience check (A15), which makes a forwarded token fail visibly;
 * and issue 29 item 13: no registration makes the AS answer differently for another server's tokens.
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

async function apiStore(sb: TestSandbox, token: string): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(`${sb.apiBase}/store`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

describe('token exchange (CONTRACT A10)', () => {
  const { sb, client } = useSandboxWithClient({ autoApprove: 'first' });
  const rs = {} as RegisteredClient;
  const signInForRs = (scope = 'read:store read:products') => signIn(sb, client, { scope, extra: { resource: RS_RESOURCE } });

  it('is advertised, and any confidential client may use it without registering the grant', async () => {
    const metadata = (await (await fetch(`${sb.issuer}/.well-known/oauth-authorization-server`)).json()) as { grant_types_supported: string[] };
    expect(metadata.grant_types_supported).toContain(EXCHANGE);
    // Registered with Whatalo's required fields only: grant_types defaults to authorization_code.
    Object.assign(rs, await register(sb, { client_name: 'Test RS', grant_types: undefined, token_endpoint_auth_method: 'client_secret_post' }));
    expect(rs.grant_types).toEqual(['authorization_code']);
    const inbound = await signInForRs();
    expect((await exchange(sb, rs, inbound.access_token, { resource: sb.apiResource })).status).toBe(200);
  });

  it('gives a token for API v1 with the same user, store and scopes, no later expiry and no refresh token', async () => {
    const inbound = await signInForRs();
    const answer = await exchange(sb, rs, inbound.access_token, { resource: sb.apiResource });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toEqual({
      access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      issued_token_type: ACCESS_TOKEN,
      token_type: 'Bearer',
      expires_in: expect.any(Number),
      scope: 'read:products read:store',
    });
    expect(answer.body.expires_in as number).toBeLessThanOrEqual(inbound.expires_in);
    const exchanged = answer.body.access_token as string;
    const before = (await introspect(sb, inbound.access_token, rs)).body;
    const after = (await introspect(sb, exchanged, rs)).body;
    expect(after).toMatchObject({ active: true, aud: sb.apiResource, client_id: rs.client_id, sub: before.sub, whatalo_store_id: before.whatalo_store_id });
    const api = await apiStore(sb, exchanged);
    expect(api.status).toBe(200);
    expect((api.body.data as { id: string }).id).toBe(sb.stores[0]!.id);
    expect((await sb.stats()).exchanges).toBeGreaterThanOrEqual(1);
  });

  it('takes `audience` as the alternative to `resource`; `resource` wins when both are sent', async () => {
    const inbound = await signInForRs();
    const byAudience = await exchange(sb, rs, inbound.access_token, { audience: sb.apiResource });
    expect((await introspect(sb, byAudience.body.access_token as string, rs)).body.aud).toBe(sb.apiResource);
    const both = await exchange(sb, rs, inbound.access_token, { resource: 'https://other.example', audience: sb.apiResource });
    expect((await introspect(sb, both.body.access_token as string, rs)).body.aud).toBe('https://other.example');
    expect((await apiStore(sb, both.body.access_token as string)).status).toBe(401);
  });

  it('expires no later than the subject token, and narrows scopes but never widens them', async () => {
    const inbound = await signInForRs();
    await sb.advanceClock(3000);
    const late = await exchange(sb, rs, inbound.access_token, { resource: sb.apiResource });
    expect(late.body.expires_in as number).toBeLessThanOrEqual(600);
    const narrow = await exchange(sb, rs, inbound.access_token, { resource: sb.apiResource, scope: 'read:store' });
    expect(narrow.body.scope).toBe('read:store');
    const wide = await exchange(sb, rs, inbound.access_token, { resource: sb.apiResource, scope: 'read:store write:products' });
    expect({ status: wide.status, error: wide.body.error }).toEqual({ status: 400, error: 'invalid_scope' });
    await sb.advanceClock(601);
    expect((await apiStore(sb, late.body.access_token as string)).status).toBe(401);
  });

  it('refuses a public client (401 unauthorized_client), no client, a bad target, a wrong type, a refresh token and a revoked subject', async () => {
    const inbound = await signInForRs();
    const pub = await register(sb, { token_endpoint_auth_method: 'none' });
    const publicAnswer = await exchange(sb, pub, inbound.access_token, { resource: sb.apiResource });
    expect({ status: publicAnswer.status, error: publicAnswer.body.error }).toEqual({ status: 401, error: 'unauthorized_client' });
    expect((await exchange(sb, null, inbound.access_token)).status).toBe(401);
    expect((await exchange(sb, rs, inbound.access_token, { resource: ['https://a.example', 'https://b.example'] })).body.error).toBe('invalid_target');
    expect((await exchange(sb, rs, inbound.access_token, { resource: 'not a uri' })).body.error).toBe('invalid_target');
    expect((await exchange(sb, rs, inbound.access_token, { subject_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' })).body.error).toBe(
      'invalid_request',
    );
    expect((await exchange(sb, rs, inbound.refresh_token)).body.error).toBe('invalid_request');
    await revoke(sb, inbound.access_token, client);
    expect((await exchange(sb, rs, inbound.access_token)).body.error).toBe('invalid_request');
  });

  it('an exchanged token stops working when its subject is revoked, and when the merchant disconnects the app', async () => {
    const first = await signInForRs();
    const exchanged = (await exchange(sb, rs, first.access_token, { resource: sb.apiResource })).body.access_token as string;
    expect((await apiStore(sb, exchanged)).status).toBe(200);
    await revoke(sb, first.access_token, client);
    expect((await apiStore(sb, exchanged)).status).toBe(401);

    const second = await signInForRs();
    const again = (await exchange(sb, rs, second.access_token, { resource: sb.apiResource })).body.access_token as string;
    await sb.disconnect(client.client_id, sb.stores[0]!.id);
    expect((await apiStore(sb, again)).status).toBe(401);
    expect((await introspect(sb, second.access_token, rs)).body).toEqual({ active: false });
  });
});

describe('API v1 audience check (CONTRACT A15)', () => {
  const { sb, client } = useSandboxWithClient({ autoApprove: 'first' });

  it('answers 401 invalid_token to a token for another server (a forwarded token) or for the /v1 path; accepts the API origin’s', async () => {
    const forRs = await signIn(sb, client, { extra: { resource: RS_RESOURCE } });
    const forwarded = await apiStore(sb, forRs.access_token);
    expect(forwarded.status).toBe(401);
    expect(forwarded.headers.get('www-authenticate')).toContain('error="invalid_token"');
    // The API's resource is its origin, not its base path.
    expect((await apiStore(sb, (await signIn(sb, client, { extra: { resource: sb.apiBase } })).access_token)).status).toBe(401);
    expect(sb.apiResource).toBe(new URL(sb.apiBase).origin);
    expect((await apiStore(sb, (await signIn(sb, client)).access_token)).status).toBe(200);
    expect((await apiStore(sb, (await signIn(sb, client, { extra: { resource: sb.apiResource } })).access_token)).status).toBe(200);
  });
});

describe('issue 29 #13: no registration can claim another server’s tokens', () => {
  const { sb, client } = useSandboxWithClient({ autoApprove: 'first' });

  it('the AS answers the same for a server’s token whatever the caller registered; the answer’s aud is what tells them apart', async () => {
    const victim = await register(sb, { client_name: 'Victim MCP server', token_endpoint_auth_method: 'client_secret_post' });
    // An impostor registers everything a "resource registration" could ever have meant.
    const impostor = await register(sb, {
      client_name: 'Victim MCP server',
      redirect_uris: ['https://mcp.example/callback'],
      resource: RS_RESOURCE,
      resources: [RS_RESOURCE],
      audience: RS_RESOURCE,
      scope: 'read:store read:products',
      grant_types: [EXCHANGE],
    });
    const bystander = await register(sb, { client_name: 'Unrelated app' });
    const tokens = await signIn(sb, client, { extra: { resource: RS_RESOURCE } });

    const answers = [];
    for (const caller of [victim, impostor, bystander]) {
      const { body } = await introspect(sb, tokens.access_token, caller);
      answers.push(body);
    }
    expect(answers[0]).toMatchObject({ active: true, aud: RS_RESOURCE, client_id: client.client_id });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    // Exchanges too: the same answer for the registered and the unregistered, apart from the new token.
    const shape = async (caller: RegisteredClient) => {
      const { status, body } = await exchange(sb, caller, tokens.access_token, { resource: sb.apiResource });
      return { status, scope: body.scope, issued_token_type: body.issued_token_type };
    };
    expect(await shape(impostor)).toEqual(await shape(bystander));
    // And a token for another server is named as such: a resource server at another URL refuses it by aud.
    const elsewhere = await signIn(sb, client, { extra: { resource: 'https://elsewhere.example/mcp' } });
    expect((await introspect(sb, elsewhere.access_token, impostor)).body).toMatchObject({ active: true, aud: 'https://elsewhere.example/mcp' });
  });
});
