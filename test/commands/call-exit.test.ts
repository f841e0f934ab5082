/**
 * `whatalo-mcp call` against an API that hangs or drips: the call ends with a clear message
 * within its budget (two attempts' worth of time, so a host's own 60 s limit is never what
 * the merchant sees), tries a read at most twice and a create once, and the process exits
 * after printing, though the API still holds the connection open.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { hostileAs } from '../helpers/hostile-as.js';
import { FETCH_BROWSER } from '../helpers/mcp.js';

type Behaviour = 'hang' | 'drip';

describe('call against an API that never finishes answering', () => {
  let as: Awaited<ReturnType<typeof hostileAs>>;
  let api: Server;
  let behaviour: Behaviour = 'hang';
  let attempts = 0;
  let posts = 0;

  beforeAll(async () => {
    // Its introspection grants the write scope too, so the create gets as far as the API.
    as = await hostileAs({
      '/introspect': (_issuer, _url, normal) => {
        const body = normal.body as { scope: string };
        return { ...normal, body: { ...body, scope: `${body.scope} write:products` } };
      },
    });
    api = createServer((req, res) => {
      attempts++;
      if (req.method === 'POST') posts++;
      if (behaviour === 'hang') return; // no headers, ever
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data":{"id":"str_hostile","name":"');
      const drip = setInterval(() => res.write('a'), 50);
      res.on('close', () => clearInterval(drip));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    api.closeAllConnections();
    await new Promise((resolve) => api.close(resolve));
    await as.close();
  });

  const call = (args: string[]) =>
    runCli(['call', ...args], {
      env: {
        WHATALO_ISSUER: as.issuer,
        WHATALO_API_BASE: `http://127.0.0.1:${(api.address() as AddressInfo).port}/api/v1`,
        BROWSER: FETCH_BROWSER,
        WHATALO_API_TIMEOUT_MS: '400',
        WHATALO_API_RETRY_BASE_MS: '5',
      },
    });

  it.each<Behaviour>(['hang', 'drip'])('%s: a read is tried twice, then the call says so and the process exits', async (kind) => {
    behaviour = kind;
    attempts = 0;
    const result = await call(['get_store']);
    expect(result.code, result.stderr).toBe(1); // exited by itself: a hung process is killed (code null)
    expect(result.stderr).toMatch(/call get_store: Whatalo is unreachable \(no answer within 400 ms\)/);
    // The sign-in's success page reads the store's name once (never retried), then the tool tries twice.
    expect(attempts).toBe(3);
    expect(result.stdout).toBe('');
  });

  it('a create is sent once, and the message says its outcome is unknown', async () => {
    behaviour = 'hang';
    posts = 0;
    const result = await call(['create_category', '{"name":"Prueba"}']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/no answer within 400 ms\)/);
    expect(result.stderr).toMatch(/may or may not have been made: read the item back/);
    expect(posts).toBe(1);
  });
});
