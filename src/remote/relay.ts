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
 *
 * A server that is down when the host starts does not end the host's session: `initialize`
 * is answered here from what the server last said (last-seen.ts), `tools/list` with its last
 * list (or none), and the relay keeps trying; once the server answers, the session is opened
 * there with the host's initialize and the host is told its tools changed.
 *
 * The host reading slowly holds the remote back (body.ts); notifications past
 * MAX_HOST_BACKLOG_BYTES of unread output are dropped, answers never.
 */
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { StreamableHTTPError, type StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  type InitializeResult,
  type JSONRPCMessage,
  type JSONRPCRequest,
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  isJSONRPCErrorResponse,
  isJSONRPCNotification,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
} from '@modelcontextprotocol/sdk/types.js';
import { isWhataloError } from '../errors.js';
import type { Logger } from '../log.js';
import { escapeControls } from '../safe-text.js';
import { NAME, VERSION } from '../version.js';
import type { HostFlow } from './host-flow.js';
import type { LastSeen, LastSeenStore } from './last-seen.js';

/** JSON-RPC's "internal error": the request could not be served, through no fault of its own. */
const INTERNAL_ERROR = -32603;
/** How long a new session's initialize may take before the request that needed it fails. */
const RENEW_TIMEOUT_MS = 60_000;
/** Remote text is shown to a person or a model: one line, this long at most. */
const MAX_REASON_CHARS = 500;
/** Unread output for the host past which notifications from the remote are dropped (answers never are). */
export const MAX_HOST_BACKLOG_BYTES = 8 * 1024 * 1024;
/** A server down at start is tried again after this long, doubling up to RETRY_MAX_MS. */
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 30_000;
/** The dropped-notifications warning at most this often: the warning itself must not flood stderr. */
const DROP_WARNING_EVERY_MS = 60_000;

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
  /** The server, for messages. */
  server: URL;
  /** How far behind the host is reading; without it nothing is dropped. */
  hostFlow?: HostFlow | undefined;
  /** What the server last said of itself, for a start while it is down; without it, nothing is kept. */
  lastSeen?: LastSeenStore | undefined;
  /** Test hook: how long before the first new attempt at a server that was down at start. */
  retryFirstMs?: number | undefined;
}

export interface Relay {
  /** Ends the remote session (once the host has gone away). */
  close(): Promise<void>;
}

/** The server no longer knows the session (it restarted, or expired it): MCP says start a new one. */
function sessionGone(error: unknown): boolean {
  return error instanceof StreamableHTTPError && error.code === 404;
}

/** Down, not refusing: worth answering initialize here and trying again later. */
function unreachable(error: unknown): boolean {
  return isWhataloError(error, 'REMOTE_UNREACHABLE');
}

/** The initialize answer given here while the server is down: what it last said, with list changes promised. */
function localInitialize(request: JSONRPCRequest, seen: LastSeen): InitializeResult {
  const asked = (request.params as { protocolVersion?: unknown } | undefined)?.protocolVersion;
  const last = seen.initialize;
  return {
    protocolVersion: typeof asked === 'string' && SUPPORTED_PROTOCOL_VERSIONS.includes(asked) ? asked : LATEST_PROTOCOL_VERSION,
    // listChanged: the host must listen for the notification sent once the server is back.
    capabilities: { ...last?.capabilities, tools: { ...last?.capabilities.tools, listChanged: true } },
    serverInfo: last?.serverInfo ?? { name: NAME, version: VERSION },
    ...(last?.instructions === undefined ? {} : { instructions: last.instructions }),
  };
}

/** Starts both transports and passes messages until close(). */
export async function startRelay(options: RelayOptions): Promise<Relay> {
  const { host, connectRemote, logger, server, hostFlow, lastSeen } = options;
  const initializeIds = new Set<string | number>();
  /** The host's tools/list requests for the first page: their answers are kept for a start while the server is down. */
  const toolListIds = new Set<string | number>();
  /** The host's own initialize, replayed to open a new session when the server forgot the old one. */
  let hostInitialize: JSONRPCRequest | undefined;
  /** Answers to the relay's own initialize requests, which the host never sees. */
  const own = new Map<string | number, (message: JSONRPCMessage) => void>();
  let renewals = 0;
  let remote = connectRemote();
  /** The server was down at initialize: the host was answered here, and the relay keeps trying. */
  let offline = false;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryMs = options.retryFirstMs ?? RETRY_FIRST_MS;
  let closed = false;
  let dropped = 0;
  let lastDropWarning = -Infinity;

  function toHost(message: JSONRPCMessage): void {
    host.send(message).catch((error: unknown) => logger.debug('could not write to the host', { error }));
  }

  /** A notification while the host is far behind is dropped, with a warning now and then. */
  function hostTooFarBehind(message: JSONRPCMessage): boolean {
    if (!hostFlow || !isJSONRPCNotification(message) || hostFlow.backlog() <= MAX_HOST_BACKLOG_BYTES) return false;
    dropped++;
    const now = Date.now();
    if (now - lastDropWarning >= DROP_WARNING_EVERY_MS) {
      lastDropWarning = now;
      logger.warn(
        `the host is not reading fast enough: notifications from the MCP server at ${server.href} are dropped while over ` +
          `${MAX_HOST_BACKLOG_BYTES} bytes wait for it (${dropped} so far)`,
      );
    }
    return true;
  }

  function wire(transport: StreamableHTTPClientTransport): void {
    transport.onmessage = (message) => {
      if ((isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) && message.id !== undefined && own.has(message.id)) {
        own.get(message.id)!(message);
        own.delete(message.id);
        return;
      }
      if (isJSONRPCResultResponse(message)) {
        if (initializeIds.delete(message.id)) {
          const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
          if (typeof version === 'string') transport.setProtocolVersion(version);
          lastSeen?.keep('initialize', message.result);
        } else if (toolListIds.delete(message.id)) {
          lastSeen?.keep('tools', message.result);
        }
      } else if (isJSONRPCErrorResponse(message) && message.id !== undefined) {
        initializeIds.delete(message.id);
        toolListIds.delete(message.id);
      }
      if (hostTooFarBehind(message)) return;
      toHost(message);
    };
    // The transport reports each failure here and also rejects the send it belongs to (answered below).
    transport.onerror = (error) => logger.debug(`remote transport: ${deliveryFailure(error)}`);
  }

  let renewing: Promise<void> | null = null;
  /** A new session with the host's initialize, once for all requests that need it (after a 404, or the server being down). */
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
      let timer: NodeJS.Timeout | undefined;
      let answer: JSONRPCMessage;
      try {
        await remote.send({ ...hostInitialize!, id });
        const late = new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error('the remote MCP server did not answer the new initialize')), RENEW_TIMEOUT_MS);
        });
        answer = await Promise.race([answered, late]);
      } finally {
        clearTimeout(timer);
        own.delete(id);
      }
      if (!isJSONRPCResultResponse(answer)) throw new Error('the remote MCP server refused to start a new session');
      const version = (answer.result as { protocolVersion?: unknown }).protocolVersion;
      if (typeof version === 'string') remote.setProtocolVersion(version);
      lastSeen?.keep('initialize', answer.result);
      await remote.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    })().finally(() => (renewing = null));
    return renewing;
  }

  /** Opens the session the server was down for; the host then lists the tools again. */
  function reconnect(): Promise<void> {
    return renewSession().then(() => {
      if (!offline) return;
      offline = false;
      clearTimeout(retryTimer);
      logger.info(`the MCP server at ${server.href} answers again; the session is open there`);
      toHost({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
    });
  }

  function scheduleRetry(): void {
    if (closed || !offline) return;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      reconnect().catch((error: unknown) => {
        if (!unreachable(error)) {
          // Reached but refused (a sign-in not completed, a protocol error): trying on a timer could open
          // browser tab after browser tab. The host's next request tries again, in sight of the user.
          logger.warn(`the MCP server at ${server.href} answers again but the session could not be opened: ${deliveryFailure(error)}`);
          return;
        }
        logger.debug(`the MCP server is still out of reach: ${deliveryFailure(error)}`);
        retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
        scheduleRetry();
      });
    }, retryMs);
    retryTimer.unref();
  }

  async function goOffline(initialize: JSONRPCRequest, error: unknown): Promise<void> {
    offline = true;
    const seen = lastSeen ? await lastSeen.read() : { initialize: null, tools: null };
    logger.warn(
      `${deliveryFailure(error)} The session starts anyway${seen.tools ? ' with the tools it last listed' : ''}; ` +
        'it is tried again in the background, and the host is told once it answers.',
    );
    toHost({ jsonrpc: '2.0', id: initialize.id, result: localInitialize(initialize, seen) });
    scheduleRetry();
  }

  /** While the server is down: what can be answered here is; anything else waits for one more attempt to reach it. */
  async function whileOffline(message: JSONRPCMessage): Promise<void> {
    if (!isJSONRPCRequest(message)) return; // initialized, cancellations: the new session starts clean
    if (message.method === 'ping') return toHost({ jsonrpc: '2.0', id: message.id, result: {} });
    if (message.method === 'tools/list' && toolListIds.has(message.id)) {
      toolListIds.delete(message.id);
      const tools = (lastSeen ? (await lastSeen.read()).tools : null) ?? { tools: [] };
      // Only the first page is kept: a cursor from it would lead nowhere.
      const { nextCursor: _next, ...page } = tools;
      toHost({ jsonrpc: '2.0', id: message.id, result: page });
      return;
    }
    await reconnect();
    await forward(message);
  }

  async function forward(message: JSONRPCMessage): Promise<void> {
    try {
      await remote.send(message);
    } catch (error) {
      const isInitialize = isJSONRPCRequest(message) && message.method === 'initialize';
      if (!sessionGone(error) || !hostInitialize || isInitialize) throw error;
      await renewSession();
      logger.info('the remote MCP server had forgotten the session; a new one was started');
      await remote.send(message);
    }
  }

  wire(remote);
  host.onmessage = (message) => {
    const request = isJSONRPCRequest(message) ? message : undefined;
    if (request?.method === 'initialize') {
      initializeIds.add(request.id);
      hostInitialize = request;
    } else if (request?.method === 'tools/list' && (request.params as { cursor?: unknown } | undefined)?.cursor === undefined) {
      toolListIds.add(request.id);
    }
    (offline ? whileOffline(message) : forward(message)).catch((error: unknown) => {
      const reason = deliveryFailure(error);
      if (!request) return void logger.warn(`a message could not be passed to the remote MCP server: ${reason}`);
      initializeIds.delete(request.id);
      toolListIds.delete(request.id);
      if (request.method === 'initialize' && unreachable(error)) return void goOffline(request, error);
      logger.warn(`${request.method} could not be passed to the remote MCP server: ${reason}`);
      toHost(failedAnswer(request, reason));
    });
  };

  await remote.start();
  await host.start();
  return {
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      // A polite end of the session at the server, bounded by the remote fetch's deadline.
      if (remote.sessionId !== undefined) {
        await remote.terminateSession().catch((error: unknown) => logger.debug(`ending the remote session failed: ${deliveryFailure(error)}`));
      }
      await remote.close().catch(() => {});
      await lastSeen?.settled();
    },
  };
}
