/**
 * The HTTP resource server's request handler: MCP over Streamable HTTP, stateless (no
 * session ids, a fresh transport and server per request, any replica answers any request).
 *
 * Order of checks for each request: one Host header (400, RFC 9112 §3.2), on the allowlist,
 * and Origin (403, DNS rebinding) → CORS preflight (no auth) → route (metadata and liveness
 * unauthenticated; readiness after the address's rate limit; 404; 405 with Allow) → token in
 * the query string (400) → the client address's rate limit (429) → Bearer token (401 with
 * resource_metadata) → the store and client's rate limit (429; one unit per request, and one
 * per tool call past the first of a batch) → the body (413, 415, 400) → the scope the called
 * tools need (403 insufficient_scope) → the API token for each of those scopes (RFC 8693) →
 * the AS unreachable, or refusing the exchange, at any step: 503 with Retry-After, never 401
 * (a client would start a sign-in loop). Then json-rpc.ts answers, with the verified token in
 * `authInfo`. A refusal that leaves the request body unread also closes the connection:
 * reading on to keep it alive would let a client stream to the server forever.
 *
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization
 * @see https://www.rfc-editor.org/rfc/rfc9728 (protected resource metadata)
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3 (challenges)
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { ApiClient } from '../../api/client.js';
import type { AccessSource } from '../access.js';
import { isWhataloError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { joinScopes } from '../../scopes.js';
import type { CatalogEntry } from '../../tools/catalog.js';
import { requiredScopes } from '../../tools/catalog.js';
import { createServer } from '../server.js';
import { answerJsonRpc } from './json-rpc.js';
import { type RateLimiter, clientAddress, rateLimitedBody } from './rate-limit.js';
import { VERIFIED, httpSource } from './source.js';
import { ExchangeRefused, type TokenValidator, type VerifiedToken } from './tokens.js';

export interface HttpAppOptions {
  /** The canonical resource URI (`--public-url`); never derived from Host or X-Forwarded-*. */
  publicUrl: URL;
  issuer: URL;
  tools: readonly CatalogEntry[];
  tokens: TokenValidator;
  api: ApiClient;
  logger: Logger;
  /** Host header values accepted (host[:port]); the public URL's host is always one. */
  allowedHosts: readonly string[];
  /** Origins a browser client may call from; the public URL's origin is always one. */
  allowedOrigins: readonly string[];
  /** Largest request body in bytes. */
  maxBodyBytes: number;
  /** Seconds a client should wait when the AS cannot be reached. */
  retryAfterSeconds?: number;
  /** Readiness: the AS metadata and the RS credentials work. */
  ready(): Promise<boolean>;
  /**
   * Tests only (`--test-no-auth`, refused without the embedded sandbox): requests are served
   * with no Bearer check, every call on this source's credentials.
   */
  unauthenticated?: AccessSource;
  /** Per client address and per store and client; none = no limits. */
  rateLimiter?: RateLimiter;
  /** Reverse proxies in front whose X-Forwarded-For entry names the client (rate-limit.ts). */
  trustProxyHops?: number;
}

const METADATA_PREFIX = '/.well-known/oauth-protected-resource';
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const CORS_ALLOW_HEADERS = 'authorization, content-type, mcp-protocol-version, last-event-id';
const CORS_EXPOSE_HEADERS = 'www-authenticate, retry-after, mcp-protocol-version';

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.error_description ?? body.error ?? status));
  }
}

/**
 * RFC 9728 §2: the metadata document; `resource` is the public URL exactly. `scopes_supported`
 * is every scope the enabled tools need (A3 names only): a host that registers with it (or with
 * the first challenge's scope, the same list) can later step up to any tool, since Whatalo holds
 * a client to the scope it registered.
 */
export function protectedResourceMetadata(options: Pick<HttpAppOptions, 'publicUrl' | 'issuer' | 'tools'>): Record<string, unknown> {
  return {
    resource: options.publicUrl.href,
    authorization_servers: [options.issuer.href.replace(/\/$/, '')],
    scopes_supported: requiredScopes(options.tools),
    bearer_methods_supported: ['header'],
    resource_name: 'Whatalo MCP server',
  };
}

/** RFC 9728 §3.1: the metadata URL with the resource's path inserted after the well-known prefix. */
export function metadataUrl(publicUrl: URL): string {
  const path = publicUrl.pathname === '/' ? '' : publicUrl.pathname.replace(/\/$/, '');
  return `${publicUrl.origin}${METADATA_PREFIX}${path}`;
}

function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, '')}"`;
}

export function createHttpApp(options: HttpAppOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { publicUrl, tokens, logger } = options;
  const mcpPath = publicUrl.pathname;
  const metadataPaths = new Set([METADATA_PREFIX, new URL(metadataUrl(publicUrl)).pathname]);
  const metadata = JSON.stringify(protectedResourceMetadata(options));
  const resourceMetadata = metadataUrl(publicUrl);
  const hosts = new Set([publicUrl.host.toLowerCase(), ...options.allowedHosts.map((h) => h.toLowerCase())]);
  const origins = new Set([publicUrl.origin, ...options.allowedOrigins]);
  const scopeOf = new Map(options.tools.map((tool) => [tool.name, tool.scope]));
  // Every enabled tool's scope, not only the read ones: hosts such as mcp-remote register with the
  // first challenge's scope, and Whatalo refuses a later step-up past what was registered.
  const challengeScope = joinScopes(requiredScopes(options.tools));
  const source = httpSource(tokens);
  const retryAfter = String(options.retryAfterSeconds ?? 5);
  const limiter = options.rateLimiter;
  async function spend(kind: 'ip' | 'tenant', subject: string, log: Record<string, unknown>, cost = 1): Promise<void> {
    const decision = limiter ? await limiter.take(kind, subject, cost) : ({ allowed: true } as const);
    if (decision.allowed) return;
    log.rate_limited = kind;
    throw new HttpFailure(429, rateLimitedBody(kind, decision), { 'retry-after': String(decision.retryAfterSeconds) });
  }

  const challenge = (extra: Record<string, string> = {}, scope = challengeScope) =>
    [
      'Bearer resource_metadata=' + quoted(resourceMetadata),
      ...(scope ? [`scope=${quoted(scope)}`] : []),
      ...Object.entries(extra).map(([k, v]) => `${k}=${quoted(v)}`),
    ].join(', ');
  const unauthorized = (description?: string) =>
    new HttpFailure(
      401,
      { error: description ? 'invalid_token' : 'unauthorized', error_description: description ?? 'an access token is required' },
      {
        'www-authenticate': description ? challenge({ error: 'invalid_token', error_description: description }) : challenge(),
      },
    );
  const unavailable = (description = 'the authorization server cannot be reached to check the token; retry shortly') =>
    new HttpFailure(503, { error: 'temporarily_unavailable', error_description: description }, { 'retry-after': retryAfter });

  function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
    res.end(body);
  }

  function corsHeaders(req: IncomingMessage): Record<string, string> {
    const origin = req.headers.origin;
    if (origin === undefined || !origins.has(origin)) return {};
    return { 'access-control-allow-origin': origin, 'access-control-expose-headers': CORS_EXPOSE_HEADERS, vary: 'origin' };
  }

  // The rest of the body stays unread: the failure handler closes the connection.
  const tooLarge = () => new HttpFailure(413, { error: 'payload_too_large', error_description: `the body may be at most ${options.maxBodyBytes} bytes` });

  async function readBody(req: IncomingMessage): Promise<unknown> {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json')
      throw new HttpFailure(415, { error: 'unsupported_media_type', error_description: 'content-type must be application/json' });
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > options.maxBodyBytes) throw tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > options.maxBodyBytes) throw tooLarge();
      chunks.push(chunk);
    }
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new HttpFailure(400, { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error: the body is not valid JSON' }, id: null });
    }
  }

  /** The tool names of the body's tools/call messages, one per call (a batch may call one tool twice). */
  const toolCalls = (body: unknown): unknown[] =>
    (Array.isArray(body) ? body : [body]).flatMap((m) =>
      (m as { method?: unknown } | null)?.method === 'tools/call' ? [(m as { params?: { name?: unknown } }).params?.name] : [],
    );
  /** The distinct scopes those calls need, for the tools this server has. */
  const scopesOf = (calls: unknown[]): string[] => [
    ...new Set(calls.flatMap((name) => (typeof name === 'string' && scopeOf.has(name) ? [scopeOf.get(name)!] : []))),
  ];

  async function handle(req: IncomingMessage, res: ServerResponse, log: Record<string, unknown>): Promise<void> {
    const method = req.method ?? 'GET';
    // Node keeps the first of two Host headers; RFC 9112 §3.2 asks for 400, and two hosts are what a smuggling attempt sends.
    let hostHeaders = 0;
    for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() === 'host') hostHeaders++;
    if (hostHeaders > 1) throw new HttpFailure(400, { error: 'invalid_request', error_description: 'a request carries exactly one Host header' });
    const host = (req.headers.host ?? '').toLowerCase();
    if (!hosts.has(host)) throw new HttpFailure(403, { error: 'forbidden', error_description: 'this Host is not served here' });
    const origin = req.headers.origin;
    if (origin !== undefined && !origins.has(origin))
      throw new HttpFailure(403, { error: 'forbidden', error_description: 'requests from this Origin are not allowed' });
    const url = new URL(req.url ?? '/', publicUrl.origin);
    const path = url.pathname;

    if (method === 'OPTIONS') {
      res.writeHead(204, {
        ...corsHeaders(req),
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': CORS_ALLOW_HEADERS,
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    if (metadataPaths.has(path) && method === 'GET') return send(res, 200, metadata, { 'cache-control': 'max-age=300', ...corsHeaders(req) });
    if (path === '/healthz' && method === 'GET') return send(res, 200, '{"status":"ok"}', {});
    if (path === '/readyz' && method === 'GET') {
      // Unauthenticated but not free: each address's budget bounds what readiness costs (index.ts caches it too).
      await spend('ip', clientAddress(req, options.trustProxyHops ?? 0), log);
      const ready = await options.ready().catch(() => false);
      return send(res, ready ? 200 : 503, JSON.stringify({ status: ready ? 'ready' : 'not ready' }), ready ? {} : { 'retry-after': retryAfter });
    }
    if (path !== mcpPath) throw new HttpFailure(404, { error: 'not_found', error_description: `no endpoint at ${path}; MCP is served at ${mcpPath}` });
    // Stateless: no SSE stream to resume (GET) and no session to end (DELETE).
    if (method !== 'POST')
      throw new HttpFailure(
        405,
        { error: 'method_not_allowed', error_description: `${method} is not supported; POST JSON-RPC messages` },
        { allow: 'POST, OPTIONS' },
      );
    // RFC 6750 §2.3 is not supported: a token in a URL ends up in logs and histories.
    if (url.searchParams.has('access_token')) {
      throw new HttpFailure(
        400,
        { error: 'invalid_request', error_description: 'send the access token in the Authorization header, never in the URL' },
        {
          'www-authenticate': challenge({ error: 'invalid_request', error_description: 'token must be sent in the Authorization header' }),
        },
      );
    }

    if (options.unauthenticated) {
      log.auth = 'none (--test-no-auth)';
      return serveMcp(req, res, await readBody(req), undefined, options.unauthenticated);
    }

    await spend('ip', clientAddress(req, options.trustProxyHops ?? 0), log);
    const header = req.headers.authorization;
    if (header === undefined || !/^bearer(\s|$)/i.test(header)) throw unauthorized();
    const token = BEARER.exec(header)?.[1];
    if (!token) throw unauthorized('the Authorization header is not a valid Bearer token');
    let verified: VerifiedToken | null;
    try {
      verified = await tokens.verify(token);
    } catch (error) {
      logger.warn('token introspection failed', { ...log, error });
      throw unavailable();
    }
    if (!verified) throw unauthorized('the access token is inactive, expired, revoked or was issued for another resource');
    log.store = verified.storeId;
    log.client = verified.clientId;
    const tenant = `${verified.storeId}:${verified.clientId}`;
    await spend('tenant', tenant, log);

    const body = await readBody(req);
    const tools = toolCalls(body);
    if (tools.length > 0) log.tool = tools.join(',');
    // A batch of N tool calls costs what N requests would: the first was paid above.
    if (tools.length > 1) await spend('tenant', tenant, log, tools.length - 1);
    const scopes = scopesOf(tools);
    const missing = scopes.filter((scope) => !verified.scopes.includes(scope));
    if (missing.length > 0) {
      // The union, not only what is missing: a client that re-authorizes with exactly this keeps what it had.
      const scope = joinScopes([...verified.scopes, ...missing]);
      throw new HttpFailure(
        403,
        { error: 'insufficient_scope', error_description: `this call needs ${missing.join(' ')}` },
        {
          'www-authenticate': challenge({ error: 'insufficient_scope' }, scope),
        },
      );
    }
    // The API tokens are obtained before dispatch, so an unreachable or unwilling AS is a 503 here and not a tool error.
    try {
      await Promise.all(scopes.map((scope) => tokens.upstreamToken(token, verified, scope)));
    } catch (error) {
      if (isWhataloError(error, 'AUTH_REQUIRED')) {
        tokens.forget(token);
        throw unauthorized('the access token is no longer accepted by the authorization server');
      }
      if (error instanceof ExchangeRefused) {
        // An operator's fix: said in the log and to the caller, naming what the AS must allow.
        logger.error('token exchange refused', { ...log, error });
        throw unavailable(error.message);
      }
      logger.warn('token exchange failed', { ...log, error });
      throw unavailable();
    }

    const authInfo: AuthInfo = {
      token,
      clientId: verified.clientId,
      scopes: verified.scopes,
      expiresAt: verified.exp,
      resource: publicUrl,
      extra: { [VERIFIED]: verified },
    };
    return serveMcp(req, res, body, authInfo, source);
  }

  /** The checked request, answered by a fresh server (stateless: any replica answers any request). */
  async function serveMcp(req: IncomingMessage, res: ServerResponse, body: unknown, authInfo: AuthInfo | undefined, source: AccessSource): Promise<void> {
    const { server } = createServer({ tools: options.tools, source, api: options.api, logger });
    await answerJsonRpc(server, req, res, body, authInfo, corsHeaders(req));
  }

  return (req, res) => {
    const started = performance.now();
    const log: Record<string, unknown> = { request_id: randomUUID(), method: req.method, path: (req.url ?? '/').split('?')[0] };
    res.setHeader('x-request-id', String(log.request_id));
    res.on('finish', () => logger.info('request', { ...log, status: res.statusCode, latency_ms: Math.round((performance.now() - started) * 10) / 10 }));
    handle(req, res, log).catch((error: unknown) => {
      if (res.headersSent) {
        logger.error('answer failed after its headers were sent', { ...log, error });
        res.destroy();
        return;
      }
      // Refused before its body was read (401, 403, 429, 413, …): the connection ends with the answer.
      const closing: Record<string, string> = req.complete ? {} : { connection: 'close' };
      if (error instanceof HttpFailure) {
        send(res, error.status, JSON.stringify(error.body), { ...corsHeaders(req), ...error.headers, ...closing });
        return;
      }
      logger.error('request failed', { ...log, error });
      send(res, 500, JSON.stringify({ error: 'server_error', error_description: 'the server failed; see its log' }), { ...corsHeaders(req), ...closing });
    });
  };
}
