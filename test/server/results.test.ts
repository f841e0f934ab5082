/** The one place errors become tool results: what a person can act on vs a bug, and no token ever. */
import { describe, expect, it } from 'vitest';
import { WhataloError } from '../../src/errors.js';
import { createLogger } from '../../src/log.js';
import { errorResult, toolResult } from '../../src/server/results.js';
import { adjustInventory } from '../../src/tools/inventory.js';

function collector() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: 'debug', write: (l) => lines.push(l) }) };
}
const text = (r: { content: unknown[] }) => (r.content[0] as { text: string }).text;

describe('errorResult', () => {
  it('a WhataloError is its message and hint; the requestId goes to the debug log', () => {
    const { lines, logger } = collector();
    const result = errorResult(
      new WhataloError('AUTH_REQUIRED', 'Not signed in.', {
        hint: 'Run `whatalo-mcp login`.',
        details: { status: 401, apiCode: undefined, requestId: 'req_1' },
      }),
      adjustInventory,
      logger,
    );
    expect(result).toEqual({ isError: true, content: [{ type: 'text', text: 'Not signed in. Run `whatalo-mcp login`.' }] });
    expect(lines.join('\n')).toMatch(/req_1/);
  });

  it("422 field errors are listed under the tool's own argument names", () => {
    const { logger } = collector();
    const error = new WhataloError('VALIDATION', 'refused', {
      details: {
        status: 422,
        apiCode: 'validation_failed',
        requestId: undefined,
        fieldErrors: [
          { field: 'quantity', message: 'would leave -3 in stock' },
          { field: 'reason', message: 'is required' },
        ],
      },
    });
    expect(text(errorResult(error, adjustInventory, logger))).toBe('Whatalo refused the values: delta would leave -3 in stock; reason is required.');
  });

  it("an API 403 that names no scope is completed with the tool's own scope", async () => {
    const { apiErrorFromAnswer } = await import('../../src/api/errors.js');
    const { logger } = collector();
    const error = apiErrorFromAnswer(403, { code: 'FORBIDDEN', message: 'Insufficient permissions' }, 'str_8k2m4n6p');
    expect(text(errorResult(error, adjustInventory, logger))).toBe(
      'Whatalo refused the request: the sign-in for store str_8k2m4n6p lacks a permission this needs: Insufficient permissions ' +
        '(adjust_inventory needs write:inventory). Sign in again and approve the permission (`whatalo-mcp login`).',
    );
  });

  it("the plan gate reads as the store's plan, naming the feature", async () => {
    const { apiErrorFromAnswer } = await import('../../src/api/errors.js');
    const { logger } = collector();
    const error = apiErrorFromAnswer(403, { code: 'FEATURE_ACCESS_DENIED', message: 'Upgrade required', feature: 'inventory' }, 'str_8k2m4n6p');
    expect(text(errorResult(error, adjustInventory, logger))).toBe(
      "The plan of store str_8k2m4n6p does not include inventory, so Whatalo refused the request: Upgrade required. Upgrade the store's plan in " +
        "Whatalo's settings to use it.",
    );
  });

  it('a bug is logged with its stack and answered generically, without its message', () => {
    const { lines, logger } = collector();
    const result = errorResult(new TypeError('cannot read properties of undefined (secret internals)'), adjustInventory, logger);
    expect(result.isError).toBe(true);
    expect(text(result)).toBe('adjust_inventory failed because of an internal error in whatalo-mcp; the details are in its log.');
    expect(lines.join('\n')).toMatch(/TypeError: cannot read properties/);
  });

  it('never lets a token-shaped string through, in errors or in texts', () => {
    const token = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ';
    const { logger } = collector();
    expect(text(errorResult(new WhataloError('API_ERROR', `bad token ${token}`), adjustInventory, logger))).not.toContain(token);
    expect(text(toolResult({ text: `oops ${token}`, data: {} }))).not.toContain(token);
  });
});

describe('toolResult', () => {
  it('is the summary, then the structuredContent as compact JSON text that parses back to it, with no control character raw', () => {
    const data = { store: { name: 'Tienda \u001b[2J\u202Eevil\u0085', currency: 'MXN' } };
    const result = toolResult({ text: 'Store Tienda.', data });
    expect(result.structuredContent).toBe(data);
    const [summary, json] = result.content.map((c) => (c as { text: string }).text);
    expect(summary).toBe('Store Tienda.');
    expect(JSON.parse(json!)).toEqual(data);
    expect(json).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u202A-\u202E]/);
    expect(json).not.toContain('\n');
  });
});
