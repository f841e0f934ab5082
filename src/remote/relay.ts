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
 */
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type JSONRPCMessage, type JSONRPCRequest, isJSONRPCRequest, isJSONRPCResultResponse } from '@modelcontextprotocol/sdk/types.js';
import { isWhataloError } from '../errors.js';
import type { Logger } from '../log.js';
import { escapeControls } from '../safe-text.js';

/** JSON-RPC's "internal error": the request could not be served, through no fault of its own. */
const INTERNAL_ERROR = -32603;
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
  remote: StreamableHTTPClientTransport;
  logger: Logger;
}

export interface Relay {
  /** Ends the remote session (once the host has gone away). */
  close(): Promise<void>;
}

/** Starts both transports and passes messages until close(). */
export async function startRelay({ host, remote, logger }: RelayOptions): Promise<Relay> {
  const initializeIds = new Set<string | number>();

  remote.onmessage = (message) => {
    if (isJSONRPCResultResponse(message) && initializeIds.delete(message.id)) {
      const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
      if (typeof version === 'string') remote.setProtocolVersion(version);
    }
    host.send(message).catch((error: unknown) => logger.debug('could not write to the host', { error }));
  };
  // The transport reports each failure here and also rejects the send it belongs to (answered below).
  remote.onerror = (error) => logger.debug(`remote transport: ${deliveryFailure(error)}`);

  host.onmessage = (message) => {
    if (isJSONRPCRequest(message) && message.method === 'initialize') initializeIds.add(message.id);
    remote.send(message).catch((error: unknown) => {
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
