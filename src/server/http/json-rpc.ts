/**
 * Streamable HTTP for one checked POST, stateless and answered with JSON: the body's messages
 * go to a fresh Server through a transport that collects the answers to its requests and
 * writes them as one JSON response (an object, or an array for a batch); a body of only
 * notifications and responses is answered 202.
 *
 * This is what the SDK's StreamableHTTPServerTransport does with `sessionIdGenerator:
 * undefined, enableJsonResponse: true` (the same checks, status codes and messages), without
 * turning each Node request into a web `Request` and each answer back into a Node response
 * through @hono/node-server: that round trip was the largest share of what `serve --http`
 * added to a call (bench H2). The official conformance suite's server scenarios and the
 * Inspector run against it in CI.
 *
 * Messages the server sends that answer no request of this body (progress, logging, a
 * request to the client) have nowhere to go in JSON mode and are dropped, as in the SDK.
 *
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#streamable-http
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  type JSONRPCMessage,
  JSONRPCMessageSchema,
  type RequestId,
  SUPPORTED_PROTOCOL_VERSIONS,
  isInitializeRequest,
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
} from '@modelcontextprotocol/sdk/types.js';

/** The SDK's bound (server/requestBody.js). */
const MAX_BATCH_SIZE = 100;
/**
 * The protocol versions that have JSON-RPC batching: 2025-03-26 added it, 2025-06-18 removed
 * it. A request without MCP-Protocol-Version is taken to be 2025-03-26, as the transport
 * section of the specification says a server should.
 */
const BATCHING_VERSIONS: readonly string[] = ['2025-03-26'];
const ASSUMED_VERSION = '2025-03-26';

/** A JSON-RPC error answered with an HTTP status, as the SDK's transport words it. */
class Refused {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly message: string,
  ) {}
}

/** The messages of a parsed body, or why the transport refuses them. */
function messagesOf(req: IncomingMessage, body: unknown): JSONRPCMessage[] | Refused {
  // A substring check is the intended reading: Accept is a list.
  const accept = req.headers.accept ?? '';
  if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
    return new Refused(406, -32000, 'Not Acceptable: Client must accept both application/json and text/event-stream');
  }
  if (Array.isArray(body) && body.length > MAX_BATCH_SIZE) {
    return new Refused(400, -32600, `Invalid Request: Batch must not exceed ${MAX_BATCH_SIZE} messages`);
  }
  const messages: JSONRPCMessage[] = [];
  for (const raw of Array.isArray(body) ? body : [body]) {
    const parsed = JSONRPCMessageSchema.safeParse(raw);
    if (!parsed.success) return new Refused(400, -32700, 'Parse error: Invalid JSON-RPC message');
    messages.push(parsed.data);
  }
  if (messages.some(isInitializeRequest)) {
    if (messages.length > 1) return new Refused(400, -32600, 'Invalid Request: Only one initialization request is allowed');
    return messages;
  }
  const version = req.headers['mcp-protocol-version'];
  if (typeof version === 'string' && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
    return new Refused(400, -32000, `Bad Request: Unsupported protocol version: ${version} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`);
  }
  if (Array.isArray(body) && !BATCHING_VERSIONS.includes(typeof version === 'string' ? version : ASSUMED_VERSION)) {
    return new Refused(400, -32600, `Invalid Request: protocol version ${String(version)} has no JSON-RPC batching; send one message per request`);
  }
  return messages;
}

function writeJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string>): void {
  res.writeHead(status, { ...headers, 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

/**
 * Answers `req` with what `server` makes of `body` (already parsed, size-capped and checked
 * by the app). Closing the response early (the client went away) closes the server, which
 * aborts the handlers still running.
 */
export async function answerJsonRpc(
  server: Server,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
  authInfo: AuthInfo | undefined,
  headers: Record<string, string>,
): Promise<void> {
  const messages = messagesOf(req, body);
  if (messages instanceof Refused) {
    return writeJson(res, messages.status, { jsonrpc: '2.0', error: { code: messages.code, message: messages.message }, id: null }, headers);
  }
  const waiting = new Set<RequestId>(messages.filter(isJSONRPCRequest).map((m) => m.id));
  const answers = new Map<RequestId, JSONRPCMessage>();
  // The answers in the order of the requests, as the SDK's transport gives them.
  const order = [...waiting];

  const transport: Transport = {
    async start() {},
    async send(message) {
      const id = isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message) ? message.id : undefined;
      if (id === undefined || !waiting.delete(id)) return;
      answers.set(id, message);
      if (waiting.size > 0 || res.writableEnded || res.destroyed) return;
      const all = order.map((id) => answers.get(id));
      writeJson(res, 200, all.length === 1 ? all[0] : all, headers);
    },
    async close() {
      transport.onclose?.();
    },
  };
  res.on('close', () => {
    // After a complete answer nothing is left running; closing then would only build the
    // server's "connection closed" error for no one.
    if (waiting.size > 0) void server.close().catch(() => {});
  });
  await server.connect(transport);
  if (waiting.size === 0) {
    res.writeHead(202, headers).end();
  }
  for (const message of messages) transport.onmessage?.(message, authInfo ? { authInfo } : undefined);
}
