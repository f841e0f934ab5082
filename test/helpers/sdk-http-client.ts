/**
 * A host application's side of the HTTP mode, built from the MCP SDK's own pieces: its
 * Client, StreamableHTTPClientTransport and OAuthClientProvider interface. The provider plays
 * the host's OAuth client; how the person approves (the sandbox approving by itself, or the
 * real consent page in Chromium) is the `approve` function.
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

/** Takes the authorization URL to the AS and resolves to the code the redirect carried. */
export type Approve = (authorizationUrl: URL) => Promise<string | undefined>;

/** The auto-approving sandbox answers the authorization request with a redirect that carries the code. */
export const followRedirect: Approve = async (url) => {
  const answer = await fetch(url, { redirect: 'manual' });
  const location = answer.headers.get('location');
  return location ? (new URL(location).searchParams.get('code') ?? undefined) : undefined;
};

export class TestProvider implements OAuthClientProvider {
  info: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  verifier = '';
  code: string | undefined;
  /** Every authorization the SDK started: a sign-in loop shows here. */
  authorizations: URL[] = [];
  constructor(
    private readonly approve: Approve = followRedirect,
    private readonly callback = 'http://127.0.0.1/callback',
  ) {}
  get redirectUrl() {
    return this.callback;
  }
  get clientMetadata() {
    return {
      client_name: 'SDK test host',
      redirect_uris: [this.callback],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  state() {
    return randomBytes(16).toString('base64url');
  }
  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.info = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  async redirectToAuthorization(url: URL) {
    this.authorizations.push(url);
    this.code = await this.approve(url);
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
}

/** Connects the SDK client, signing in when the server says 401 (the SDK's documented pattern). */
export async function connect(url: URL, provider: TestProvider): Promise<Client> {
  const client = new Client({ name: 'sdk-test-host', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(url, { authProvider: provider });
  try {
    await client.connect(transport);
    return client;
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
    await transport.finishAuth(provider.code!);
    const again = new Client({ name: 'sdk-test-host', version: '1.0.0' });
    await again.connect(new StreamableHTTPClientTransport(url, { authProvider: provider }));
    return again;
  }
}
