/**
 * The test's side of OAuth against the sandbox, by hand with fetch and node:crypto: the
 * test is the client here, so it can send exactly the malformed or hostile requests the
 * sandbox must refuse.
 */
import { createHash, randomBytes } from 'node:crypto';
import { beforeAll } from 'vitest';
import type { SandboxOptions } from '../../src/sandbox/index.js';
import { RELAXED_LIMITS, type TestSandbox, useTestSandbox } from '../helpers/sandbox.js';

export interface Pkce {
  verifier: string;
  challenge: string;
}

export function pkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  client_secret_expires_at?: number;
  client_id_issued_at: number;
  token_endpoint_auth_method: 'client_secret_basic' | 'client_secret_post' | 'none';
  redirect_uris: string[];
  [key: string]: unknown;
}

export const REDIRECT = 'http://127.0.0.1/callback';

export async function registerRaw(sb: TestSandbox, metadata: unknown): Promise<Response> {
  return fetch(`${sb.issuer}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(metadata),
  });
}

export async function register(sb: TestSandbox, metadata: Record<string, unknown> = {}): Promise<RegisteredClient> {
  const response = await registerRaw(sb, {
    redirect_uris: [REDIRECT],
    grant_types: ['authorization_code', 'refresh_token'],
    client_name: 'Kit Test App',
    ...metadata,
  });
  if (response.status !== 201) throw new Error(`registration failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as RegisteredClient;
}

/**
 * A sandbox for the enclosing suite and one client registered on it (the defaults of
 * `register`), both filled in by beforeAll; the sandbox closes after all tests. Its rate
 * limits are raised (RELAXED_LIMITS) unless `options.limits` says otherwise: these suites
 * test other things than the limits, from one IP, many times a minute.
 */
export function useSandboxWithClient(options: SandboxOptions = {}): { sb: TestSandbox; client: RegisteredClient } {
  const sb = useTestSandbox({ limits: RELAXED_LIMITS, ...options });
  const client = {} as RegisteredClient;
  beforeAll(async () => {
    Object.assign(client, await register(sb));
  });
  return { sb, client };
}

/** RFC 6749 §2.3.1: form-urlencode id and secret, then Base64 "id:secret". */
export function basicHeader(id: string, secret: string): string {
  const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
  return 'Basic ' + Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64');
}

/** Builds headers and body for the client's own registered authentication method. */
export function clientAuth(client: RegisteredClient): { headers: Record<string, string>; params: Record<string, string> } {
  switch (client.token_endpoint_auth_method) {
    case 'client_secret_basic':
      return { headers: { authorization: basicHeader(client.client_id, client.client_secret!) }, params: {} };
    case 'client_secret_post':
      return { headers: {}, params: { client_id: client.client_id, client_secret: client.client_secret! } };
    case 'none':
      return { headers: {}, params: { client_id: client.client_id } };
  }
}

export interface FormAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  text: string;
}

/** POSTs a form; `auth` null sends no client authentication at all. */
export async function postForm(
  sb: TestSandbox,
  path: string,
  params: Record<string, string | string[]>,
  auth: RegisteredClient | null,
  extraHeaders: Record<string, string> = {},
): Promise<FormAnswer> {
  const form = new URLSearchParams();
  const authParts = auth ? clientAuth(auth) : { headers: {}, params: {} };
  for (const [k, v] of Object.entries({ ...authParts.params, ...params })) {
    for (const one of Array.isArray(v) ? v : [v]) form.append(k, one);
  }
  const response = await fetch(`${sb.issuer}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...authParts.headers, ...extraHeaders },
    body: form.toString(),
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    // non-JSON answers keep `text`
  }
  return { status: response.status, headers: response.headers, body, text };
}

export interface AuthorizeParams {
  client: RegisteredClient;
  scope?: string;
  state?: string;
  redirectUri?: string;
  pkce?: Pkce;
  extra?: Record<string, string | string[]>;
  /** Leave a parameter out entirely. */
  omit?: string[];
}

export function authorizeUrl(sb: TestSandbox, p: AuthorizeParams): string {
  const url = new URL(`${sb.issuer}/oauth/authorize`);
  const values: Record<string, string | string[]> = {
    response_type: 'code',
    client_id: p.client.client_id,
    redirect_uri: p.redirectUri ?? p.client.redirect_uris[0]!,
    scope: p.scope ?? 'read:store read:products',
    state: p.state ?? 'st-' + randomBytes(6).toString('hex'),
    code_challenge: (p.pkce ?? pkce()).challenge,
    code_challenge_method: 'S256',
    ...p.extra,
  };
  for (const [k, v] of Object.entries(values)) {
    if (p.omit?.includes(k)) continue;
    for (const one of Array.isArray(v) ? v : [v]) url.searchParams.append(k, one);
  }
  return url.href;
}

/** GET /oauth/authorize without following redirects. */
export async function authorizeRaw(sb: TestSandbox, p: AuthorizeParams): Promise<Response> {
  return fetch(authorizeUrl(sb, p), { redirect: 'manual' });
}

/** The query of the redirect the authorization endpoint answered with (throws if none). */
export function redirectParams(response: Response): URLSearchParams {
  const location = response.headers.get('location');
  if (!location || response.status < 300 || response.status > 399) throw new Error(`expected a redirect, got ${response.status}`);
  return new URL(location).searchParams;
}

/** Reads the hidden fields of the consent form out of its HTML, and the scope boxes ticked in it. */
export function consentForm(html: string): { requestId: string; csrf: string; scopes: string[] } {
  const requestId = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1];
  if (!requestId || !csrf) throw new Error('no consent form in the page');
  const scopes = [...html.matchAll(/name="scope" value="([^"]+)" checked/g)].map((m) => m[1]!);
  return { requestId, csrf, scopes };
}

/** Posts the consent form; a list value (e.g. `scope`) is sent once per item, as a browser sends ticked boxes. */
export async function decide(sb: TestSandbox, fields: Record<string, string | string[]>): Promise<Response> {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  return fetch(`${sb.issuer}/oauth/authorize/decision`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
    redirect: 'manual',
  });
}

export interface Tokens {
  access_token: string;
  /** Absent for a client registered without the refresh_token grant. */
  refresh_token: string;
  scope: string;
  expires_in: number;
  token_type: string;
}

/** Authorizes (through the consent form, choosing `storeId` and granting every scope asked for) and exchanges the code. */
export async function signIn(
  sb: TestSandbox,
  client: RegisteredClient,
  opts: {
    scope?: string;
    storeId?: string;
    extra?: Record<string, string | string[]>;
    tokenExtra?: Record<string, string | string[]>;
  } = {},
): Promise<Tokens> {
  const verifier = pkce();
  const page = await authorizeRaw(sb, { client, scope: opts.scope, pkce: verifier, extra: opts.extra });
  let params: URLSearchParams;
  if (page.status === 200) {
    const form = consentForm(await page.text());
    const decision = await decide(sb, {
      request_id: form.requestId,
      csrf_token: form.csrf,
      decision: 'approve',
      store_id: opts.storeId ?? sb.stores[0]!.id,
      scope: form.scopes,
    });
    params = redirectParams(decision);
  } else {
    params = redirectParams(page);
  }
  const code = params.get('code');
  if (!code) throw new Error(`no code: ${params.toString()}`);
  const answer = await postForm(
    sb,
    '/oauth/token',
    { grant_type: 'authorization_code', code, redirect_uri: client.redirect_uris[0]!, code_verifier: verifier.verifier, ...opts.tokenExtra },
    client,
  );
  if (answer.status !== 200) throw new Error(`token exchange failed: ${answer.status} ${answer.text}`);
  return answer.body as unknown as Tokens;
}

export function introspect(sb: TestSandbox, token: string, caller: RegisteredClient | null): Promise<FormAnswer> {
  return postForm(sb, '/oauth/introspect', { token }, caller);
}

export function refresh(sb: TestSandbox, client: RegisteredClient, refreshToken: string, extra: Record<string, string | string[]> = {}): Promise<FormAnswer> {
  return postForm(sb, '/oauth/token', { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra }, client);
}

export function revoke(sb: TestSandbox, token: string, caller: RegisteredClient | null, extra: Record<string, string> = {}): Promise<FormAnswer> {
  return postForm(sb, '/oauth/revoke', { token, ...extra }, caller);
}
