/**
 * A small API v1 on 127.0.0.1 for the client's tests: a real node:http server that answers
 * what the test says (documented shapes, CONTRACT §4) and records every request it received,
 * so "sent exactly once" is counted on the wire, never inferred from time.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  /** Path and query as sent, e.g. `/v1/products?status=all`. */
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Never answer (the client's timeout must end the request). */
  hang?: boolean;
}

export type Route = (req: Received, n: number) => Answer | Promise<Answer>;

export interface FakeApi {
  apiBase: URL;
  received: Received[];
  /** Requests whose method and path (without query) are these. */
  count(method: string, path: string): number;
  close(): Promise<void>;
}

export async function startFakeApi(route: Route): Promise<FakeApi> {
  const received: Received[] = [];
  const hung = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const entry: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : undefined };
      received.push(entry);
      const answer = await route(entry, received.length);
      if (answer.hang) {
        hung.add(res);
        return;
      }
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiBase: new URL(`http://127.0.0.1:${port}/v1`),
    received,
    count: (method, path) => received.filter((r) => r.method === method && r.url.split('?')[0] === path).length,
    async close() {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The nested error body of CONTRACT V3. */
export function apiError(status: number, code: string, message: string, details?: unknown): Answer {
  return { status, body: { error: { code, message, ...(details === undefined ? {} : { details }) } } };
}

export const PRODUCT = {
  id: '472819365047',
  name: 'Chile Chipotle Seco 100 g',
  slug: 'chile-chipotle-seco-100-g',
  description: null,
  price: 89.5,
  compare_price: 99,
  is_active: true,
  is_featured: false,
  sku: 'CH-100',
  track_inventory: true,
  stock_quantity: 3,
  low_stock_threshold: 5,
  category_id: '104728193650',
  variants: [],
  created_at: '2026-01-15T10:30:00.000Z',
  updated_at: '2026-01-15T10:30:00.000Z',
};

export const INVENTORY = {
  product_id: '472819365047',
  sku: 'CH-100',
  stock_quantity: 3,
  track_inventory: true,
  low_stock_threshold: 5,
  continue_selling_when_out_of_stock: false,
  variants: [],
};

export function pageOf<T>(data: T[], page = 1, perPage = 25, total = data.length): Answer {
  return { body: { data, pagination: { page, per_page: perPage, total, total_pages: Math.ceil(total / perPage) } } };
}
