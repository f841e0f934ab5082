/**
 * The remote mode's relay: the host's stdio on one side, the remote MCP server's Streamable
 * HTTP on the other, and every JSON-RPC message passed through unchanged both ways
 * (requests, responses and notifications alike: tools, progress, cancellation, elicitation,
 * list changes). Nothing is re-implemented here: the remote server is what answers.
 *
 * What the relay adds is what a transport cannot do alone: a request the remote never
 * received (unreachable, 5xx, sign-in failed) is answered to the host with an error for that
 * request, so the host's session stays alive; and the protocol version the remote chose at
 * `initialize` is handed to the HTTP transport, which must send it on every later request.
 * A server that forgets the session (404, after a restart) gets a new one, opened with the
 * host's own initialize, and the request that met the 404 is sent again.
 */
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { StreamableHTTPError, type StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  type JSONRPCMessage,
  type JSONRPCRequest,
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
} from '@modelcontextprotocol/sdk/types.js';
import { isWhataloError } from '../errors.js';
import type { Logger } from '../log.js';
import { escapeControls } from '../safe-text.js';

/** JSON-RPC's "internal error": the request could not be served, through no fault of its own. */
const INTERNAL_ERROR = -32603;
/** How long a new session's initialize may take before the request that needed it fails. */
const RENEW_TIMEOUT_MS = 60_000;
/** Remote text is shown to a person or a model: one line, this long at most. */
const MAX_REASON_CHARS = 500;

/** Why a message could not be delivered, as one safe line. */
export function deliveryFailure(error: unknown): string {
  const text = isWhataloError(error) ? error.toUserText() : error instanceof Error ? error.message : String(error);
  const line = escapeControls(text.replace(/\s+/g, ' ').trim());
  return line.length > MAX_REASON_CHARS ? `${line.slice(0, MAX_REASON_CHARS)}…` : line;
}

/** The host's answer to a request the remote could not serve: a failed tool result for a tool call, else a JSON-RPC error. */
export function failedAnswer(request: JSONRPCRequest, reason: string): JSONRPCMessage {
  if (request.method === 'tools/call') {
    return { jsonrpc: '2.0', id: request.id, result: { content: [{ type: 'text', text: reason }], isError: true } };
  }
  return { jsonrpc: '2.0', id: request.id, error: { code: INTERNAL_ERROR, message: reason } };
}

export interface RelayOptions {
  host: Transport;
  /** Makes the HTTP transport to the remote server; called again when the server has forgotten the session. */
  connectRemote: () => StreamableHTTPClientTransport;
  logger: Logger;
}

export interface Relay {
  /** Ends the remote session (once the host has gone away). */
  close(): Promise<void>;
}

/** The server no longer knows the session (it restarted, or expired it): MCP says start a new one. */
function sessionGone(error: unknown): boolean {
  return error instanceof StreamableHTTPError && error.code === 404;
}

/** Starts both transports and passes messages until close(). */
export async function startRelay({ host, connectRemote, logger }: RelayOptions): Promise<Relay> {
  const initializeIds = new Set<string | number>();
  /** The host's own initialize, replayed to open a new session when the server forgot the old one. */
  let hostInitialize: JSONRPCRequest | undefined;
  /** Answers to the relay's own initialize requests, which the host never sees. */
  const own = new Map<string | number, (message: JSONRPCMessage) => void>();
  let renewals = 0;
  let remote = connectRemote();

  function wire(transport: StreamableHTTPClientTransport): void {
    transport.onmessage = (message) => {
      if ((isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) && message.id !== undefined && own.has(message.id)) {
        own.get(message.id)!(message);
        own.delete(message.id);
        return;
      }
      if (isJSONRPCResultResponse(message) && initializeIds.delete(message.id)) {
        const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
        if (typeof version === 'string') transport.setProtocolVersion(version);
      }
      host.send(message).catch((error: unknown) => logger.debug('could not write to the host', { error }));
    };
    // The transport reports each failure here and also rejects the send it belongs to (answered below).
    transport.onerror = (error) => logger.debug(`remote transport: ${deliveryFailure(error)}`);
  }

  let renewing: Promise<void> | null = null;
  /** A new session with the host's initialize, once for all requests that met the 404. */
  function renewSession(): Promise<void> {
    renewing ??= (async () => {
      const old = remote;
      old.onmessage = undefined;
      old.onerror = undefined;
      await old.close().catch(() => {});
      remote = connectRemote();
      wire(remote);
      await remote.start();
      const id = `whatalo-mcp-renew-${++renewals}`;
      const answered = new Promise<JSONRPCMessage>((resolve) => own.set(id, resolve));
      await remote.send({ ...hostInitialize!, id });
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error('the remote MCP server did not answer the new initialize')), RENEW_TIMEOUT_MS);
      });
      const answer = await Promise.race([answered, late]).finally(() => {
        clearTimeout(timer);
        own.delete(id);
      });
      if (!isJSONRPCResultResponse(answer)) throw new Error('the remote MCP server refused to start a new session');
      const version = (answer.result as { protocolVersion?: unknown }).protocolVersion;
      if (typeof version === 'string') remote.setProtocolVersion(version);
      await remote.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      logger.info('the remote MCP server had forgotten the session; a new one was started');
    })().finally(() => (renewing = null));
    return renewing;
  }

  async function forward(message: JSONRPCMessage): Promise<void> {
    try {
      await remote.send(message);
    } catch (error) {
      const isInitialize = isJSONRPCRequest(message) && message.method === 'initialize';
      if (!sessionGone(error) || !hostInitialize || isInitialize) throw error;
      await renewSession();
      await remote.send(message);
    }
  }

  wire(remote);
  host.onmessage = (message) => {
    if (isJSONRPCRequest(message) && message.method === 'initialize') {
      initializeIds.add(message.id);
      hostInitialize = message;
    }
    forward(message).catch((error: unknown) => {
      const reason = deliveryFailure(error);
      if (isJSONRPCRequest(message)) {
        initializeIds.delete(message.id);
        logger.warn(`${message.method} could not be passed to the remote MCP server: ${reason}`);
        host.send(failedAnswer(message, reason)).catch(() => {});
      } else {
        logger.warn(`a message could not be passed to the remote MCP server: ${reason}`);
      }
    });
  };

  await remote.start();
  await host.start();
  return {
    async close() {
      // A polite end of the session at the server, bounded by the remote fetch's deadline.
      if (remote.sessionId !== undefined) {
        await remote.terminateSession().catch((error: unknown) => logger.debug(`ending the remote session failed: ${deliveryFailure(error)}`));
      }
      await remote.close().catch(() => {});
    },
  };
}
