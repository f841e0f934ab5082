/**
 * Hostile HTTP peers: a server for the bounds of every answer this app reads, and (below)
 * raw-socket clients for the bounds of `serve --http` itself.
 *
 * The server listens on 127.0.0.1:0. The
 * behaviour is named by a path segment, so one server serves every endpoint kind in every
 * way (`/drip/token`, `/.well-known/oauth-authorization-server/endless`, `/hang/api/v1/store`):
 *
 * - `hang`: reads the request and never answers;
 * - `drip`: sends 200 and JSON headers, then one byte per second, forever;
 * - `endless`: sends 200 and a chunked body as fast as the socket takes it, forever;
 * - `huge`: declares a 100 MiB Content-Length and streams it;
 * - `redirect`: answers 302 to another path of itself;
 * - `inflate`: a 32 KiB gzip body that decodes to 32 MiB, past every cap (the cap must count
 *   the decoded bytes, not the ones on the wire).
 */
import { type Server, createServer } from 'node:http';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';

export const HOSTILE_BEHAVIOURS = ['hang', 'drip', 'endless', 'huge', 'redirect', 'inflate'] as const;
export type HostileBehaviour = (typeof HOSTILE_BEHAVIOURS)[number];

export interface HostileServer {
  /** http://127.0.0.1:PORT, no trailing slash. */
  base: string;
  /** Requests seen per behaviour. */
  hits: Record<HostileBehaviour, number>;
  close(): Promise<void>;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x20);
const HUGE_BYTES = 100 * 1024 * 1024;
let inflating: Buffer | undefined;

/** Writes CHUNK until `remaining` is spent (Infinity: forever), waiting for drain, until the socket closes. */
function pour(res: import('node:http').ServerResponse, remaining: number): void {
  const step = () => {
    while (remaining > 0 && !res.destroyed) {
      const chunk = remaining >= CHUNK.length ? CHUNK : CHUNK.subarray(0, remaining);
      remaining -= chunk.length;
      if (!res.write(chunk)) return void res.once('drain', step);
    }
    if (remaining <= 0) res.end();
  };
  step();
}

export async function startHostileServer(): Promise<HostileServer> {
  const hits = Object.fromEntries(HOSTILE_BEHAVIOURS.map((b) => [b, 0])) as Record<HostileBehaviour, number>;
  const server: Server = createServer((req, res) => {
    const segments = new URL(req.url ?? '/', 'http://x').pathname.split('/');
    const behaviour = HOSTILE_BEHAVIOURS.find((b) => segments.includes(b));
    req.resume();
    if (!behaviour) {
      res.writeHead(404).end();
      return;
    }
    hits[behaviour]++;
    switch (behaviour) {
      case 'hang':
        return;
      case 'drip': {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{');
        const timer = setInterval(() => res.write(' '), 1000);
        res.once('close', () => clearInterval(timer));
        return;
      }
      case 'endless':
        res.writeHead(200, { 'content-type': 'application/json' });
        return pour(res, Infinity);
      case 'huge':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(HUGE_BYTES) });
        return pour(res, HUGE_BYTES);
      case 'redirect':
        res.writeHead(302, { location: '/elsewhere' }).end();
        return;
      case 'inflate':
        inflating ??= gzipSync(Buffer.alloc(32 * 1024 * 1024, 0x20));
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(inflating.length) });
        res.end(inflating);
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Hostile clients of a server on 127.0.0.1:`port`, on raw sockets, for the server's own bounds:
 *
 * - `idle`: connects and sends nothing;
 * - `slow-headers`: sends a request line, then one header line every 200 ms, forever;
 * - `slow-body`: sends complete headers with a 1 MB Content-Length, then one byte every 200 ms.
 *
 * `closed` resolves when the server ends the connection, with the milliseconds it took.
 */
export const SLOW_CLIENTS = ['idle', 'slow-headers', 'slow-body'] as const;
export type SlowClientKind = (typeof SLOW_CLIENTS)[number];

export interface HostileClient {
  closed: Promise<number>;
  /** Bytes this client got to write before the server closed. */
  written(): number;
  /** What the server answered, as text (e.g. an HTTP 408). */
  received(): string;
  destroy(): void;
}

function rawClient(
  port: number,
  start: (socket: import('node:net').Socket, drip: (text: () => string | Buffer, everyMs: number) => void) => void,
): HostileClient {
  const socket = connect(port, '127.0.0.1');
  const opened = performance.now();
  let received = '';
  let timer: NodeJS.Timeout | undefined;
  socket.on('data', (chunk) => {
    if (received.length < 4096) received += chunk.toString('latin1');
  });
  socket.on('error', () => {});
  const closed = new Promise<number>((resolve) =>
    socket.once('close', () => {
      clearInterval(timer);
      resolve(performance.now() - opened);
    }),
  );
  socket.once('connect', () =>
    start(socket, (text, everyMs) => {
      timer = setInterval(() => {
        if (!socket.destroyed && socket.writable) socket.write(text());
      }, everyMs);
    }),
  );
  return { closed, written: () => socket.bytesWritten, received: () => received, destroy: () => socket.destroy() };
}

/** `headers`: extra header lines (e.g. `Authorization: Bearer …`), so the server gets as far as reading the body. */
export function slowClient(port: number, kind: SlowClientKind, headers: readonly string[] = []): HostileClient {
  const extra = headers.map((h) => `${h}\r\n`).join('');
  return rawClient(port, (socket, drip) => {
    if (kind === 'idle') return;
    if (kind === 'slow-headers') {
      socket.write(`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${extra}`);
      let n = 0;
      return drip(() => `X-Slow-${n++}: x\r\n`, 200);
    }
    socket.write(`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${extra}Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n`);
    drip(() => ' ', 200);
  });
}

/**
 * A request whose body never ends: chunked, 64 KiB chunks as fast as the socket takes them,
 * after `head` (the request line and headers, without the final blank line).
 */
export function endlessBody(port: number, head: string): HostileClient {
  const chunk = Buffer.concat([Buffer.from(`${(64 * 1024).toString(16)}\r\n`), Buffer.alloc(64 * 1024, 0x20), Buffer.from('\r\n')]);
  return rawClient(port, (socket) => {
    socket.write(`${head}\r\nTransfer-Encoding: chunked\r\n\r\n`);
    const pour = () => {
      while (!socket.destroyed && socket.writable) if (!socket.write(chunk)) return void socket.once('drain', pour);
    };
    pour();
  });
}

/** Sends `request` as written (any header twice, any framing) and resolves to the answer's status line. */
export function rawRequest(port: number, request: string): Promise<string> {
  const client = rawClient(port, (socket) => socket.write(request));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.destroy();
      reject(new Error(`no answer to a raw request within 5 s; got ${JSON.stringify(client.received())}`));
    }, 5000);
    const poll = setInterval(() => {
      const line = /^HTTP\/1\.1 \d{3}[^\r]*/.exec(client.received());
      if (!line) return;
      clearInterval(poll);
      clearTimeout(timer);
      client.destroy();
      resolve(line[0]);
    }, 10);
  });
}
