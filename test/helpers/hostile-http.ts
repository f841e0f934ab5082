/**
 * A hostile HTTP server on 127.0.0.1:0 for the bounds of every answer this app reads. The
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
