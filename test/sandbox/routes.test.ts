/**
 * The sandbox's one route table: every row is served by its kind, and a request that fits no
 * row gets the 404 or 405 of the area its path is in, counted (or not) like a routed one.
 */
import { describe, expect, it } from 'vitest';
import { kindOf, ROUTES } from '../../src/sandbox/routes.js';
import { useTestSandbox } from '../helpers/sandbox.js';

describe('the route table', () => {
  it('routes the fixed API segments (count, validate) before the :id row of the same path', () => {
    const api = ROUTES.filter((r) => r.kind === 'api').map((r) => `${r.method} ${r.path}`);
    for (const [fixed, param] of [
      ['GET /api/v1/products/count', 'GET /api/v1/products/:id'],
      ['GET /api/v1/orders/count', 'GET /api/v1/orders/:id'],
      ['GET /api/v1/customers/count', 'GET /api/v1/customers/:id'],
    ] as const) {
      expect(api.indexOf(fixed), fixed).toBeGreaterThanOrEqual(0);
      expect(api.indexOf(fixed), fixed).toBeLessThan(api.indexOf(param));
    }
  });

  it('gives each method and path one row, of the kind its path is in', () => {
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const route of ROUTES) expect(`${route.path} ${kindOf(route.path)}`).toBe(`${route.path} ${route.kind}`);
  });
});

describe('requests that fit no row', () => {
  const sb = useTestSandbox();

  it('answer in their area’s shape, and count as API v1 patterns, AS paths or not at all (controls)', async () => {
    await sb.resetStats();
    const bare = await fetch(`${sb.issuer}/api/v1`);
    expect(bare.status).toBe(404);
    expect(await bare.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no API v1 endpoint at ', details: { resource: 'endpoint', id: '' } } });
    expect(bare.headers.get('x-request-id')).toMatch(/^req_/);

    const wrong = await fetch(`${sb.issuer}/api/v1/products/472819365047`, { method: 'PUT' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, PATCH, DELETE');
    expect(await wrong.json()).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED' } });

    const control = await fetch(`${sb.issuer}/sandbox/faults`, { method: 'PUT' });
    expect(control.status).toBe(405);
    expect(control.headers.get('allow')).toBe('GET, POST, DELETE');
    expect((await fetch(`${sb.issuer}/sandbox/nothing`)).status).toBe(404);
    const unknown = await fetch(`${sb.issuer}/nothing`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'not_found', message: 'no such endpoint: /nothing' });

    expect((await sb.stats()).requests).toEqual({
      'GET /api/v1(no route)': 1,
      'PUT /api/v1/products/:id': 1,
      'GET /nothing': 1,
    });
  });
});
