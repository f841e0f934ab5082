/**
 * Client authentication at the token, introspection and revocation endpoints.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
import type { IncomingMessage } from 'node:http';
import { oauthError, one } from '../http.js';
import type { SandboxContext } from '../context.js';
import { type AuthMethod, type Client, liveClient, matchesDigest } from '../state.js';

interface BasicCredentials {
  id: string;
  secret: string;
}

/** RFC 6749 §2.3.1: the id and secret are form-urlencoded before they are joined by ':'. */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function parseBasic(header: string | undefined): BasicCredentials | undefined {
  if (!header) return undefined;
  const match = /^basic +(\S+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw oauthError('invalid_client', 'the Basic credentials must be client_id:client_secret');
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw oauthError('invalid_client', 'the Basic credentials are not form-urlencoded');
  }
}

/**
 * Identifies and authenticates the calling client. Confidential clients present their
 * secret by HTTP Basic or in the body, whichever they send: the registered method is a
 * default, not a lock (CONTRACT A8: the two are equivalent, never both at once). Public
 * clients send their client_id only. Anything else, and any expired client (CONTRACT A5),
 * is invalid_client.
 */
export function authenticateClient(ctx: SandboxContext, req: IncomingMessage, params: Map<string, string[]>): Client {
  const basic = parseBasic(req.headers.authorization);
  const bodyId = one(params, 'client_id');
  const bodySecret = one(params, 'client_secret');
  if (basic && bodySecret !== undefined) {
    // RFC 6749 §2.3: a client must not use more than one authentication method per request.
    throw oauthError('invalid_request', 'send the client secret either in the Authorization header or in the body, not both');
  }
  if (basic && bodyId !== undefined && bodyId !== basic.id) {
    throw oauthError('invalid_client', 'client_id in the body differs from the Authorization header');
  }
  const clientId = basic?.id ?? bodyId;
  if (!clientId) throw oauthError('invalid_client', 'client authentication is required');
  const client = liveClient(ctx.state, clientId);
  if (!client) throw oauthError('invalid_client', 'unknown or expired client; register again');

  const used: AuthMethod = basic ? 'client_secret_basic' : bodySecret !== undefined ? 'client_secret_post' : 'none';
  const isPublic = client.token_endpoint_auth_method === 'none';
  if (isPublic !== (used === 'none')) {
    throw oauthError(
      'invalid_client',
      isPublic ? 'this is a public client: send client_id only, it has no secret' : 'this client must authenticate with its client secret',
    );
  }
  if (used !== 'none') {
    const secret = basic ? basic.secret : bodySecret!;
    if (!client.secretDigest || !matchesDigest(secret, client.secretDigest)) {
      throw oauthError('invalid_client', 'client authentication failed');
    }
  }
  return client;
}
