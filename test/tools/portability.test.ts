/**
 * Schemas every host accepts: the portability rules the MCP Inspector (2.12) applies to a
 * tools/list answer, over every tool as a host receives it. Any finding fails, warnings
 * included: a `type: [T, "null"]` is legal JSON Schema, but a host that maps tool schemas onto
 * a single-`type` dialect (Gemini's OpenAPI subset) rejects the tool or drops the constraint.
 * CI also runs the Inspector itself with --strict on the built server (.ci/run).
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { listTools } from './listing.js';

// The Inspector's lists: keywords that hold subschemas, and those that constrain a value.
const SUBSCHEMA_MAPS = ['properties', 'patternProperties', 'dependentSchemas', 'dependencies', '$defs', 'definitions'];
const SUBSCHEMA_ARRAYS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SUBSCHEMAS = [
  'items',
  'additionalProperties',
  'additionalItems',
  'unevaluatedItems',
  'unevaluatedProperties',
  'propertyNames',
  'contains',
  'not',
  'if',
  'then',
  'else',
  'contentSchema',
];
const CONSTRAINING = new Set([
  'type',
  'enum',
  'const',
  'multipleOf',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'format',
  'contentMediaType',
  'contentEncoding',
  'contentSchema',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxContains',
  'minContains',
  'maxProperties',
  'minProperties',
  'required',
  'dependentRequired',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'items',
  'prefixItems',
  'contains',
  'additionalItems',
  'unevaluatedItems',
  'properties',
  'patternProperties',
  'additionalProperties',
  'unevaluatedProperties',
  'propertyNames',
  'dependentSchemas',
  'dependencies',
  '$ref',
  '$dynamicRef',
  '$recursiveRef',
]);
// Keywords whose boolean value is not a schema (`additionalProperties: false` is fine).
const BOOLEAN_VALUED = new Set(['additionalProperties', 'additionalItems', 'unevaluatedItems', 'unevaluatedProperties', 'items']);

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every finding in one schema, as `path: rule`. */
export function portabilityFindings(schema: unknown, path = '', keyword?: string): string[] {
  if (typeof schema === 'boolean') return keyword !== undefined && BOOLEAN_VALUED.has(keyword) ? [] : [`${path}: boolean schema`];
  if (!isNode(schema)) return [];
  const found: string[] = [];
  if (Array.isArray(schema.type)) found.push(`${path}: type is an array (${JSON.stringify(schema.type)})`);
  if (typeof schema.$ref === 'string' && schema.$ref !== '' && !schema.$ref.startsWith('#')) found.push(`${path}: remote $ref`);
  const constrains = Object.keys(schema).some((k) => CONSTRAINING.has(k)) || ('if' in schema && ('then' in schema || 'else' in schema));
  if (!constrains && keyword !== 'not') found.push(`${path || '(root)'}: untyped schema`);
  for (const key of SUBSCHEMA_MAPS) {
    const map = schema[key];
    if (isNode(map)) for (const [name, sub] of Object.entries(map)) found.push(...portabilityFindings(sub, `${path}.${key}.${name}`, key));
  }
  for (const key of SUBSCHEMA_ARRAYS) {
    const list = schema[key];
    if (Array.isArray(list)) list.forEach((sub, i) => found.push(...portabilityFindings(sub, `${path}.${key}[${i}]`, key)));
  }
  for (const key of SUBSCHEMAS) {
    if (!(key in schema)) continue;
    const sub = schema[key];
    if (Array.isArray(sub)) sub.forEach((s, i) => found.push(...portabilityFindings(s, `${path}.${key}[${i}]`, key)));
    else found.push(...portabilityFindings(sub, `${path}.${key}`, key));
  }
  return found;
}

let listed: Tool[];
beforeAll(async () => {
  listed = await listTools(ALL_TOOLS);
});

describe("tool schemas every host accepts (the Inspector's portability rules)", () => {
  it.each(ALL_TOOLS.map((t) => [t.name] as const))('%s: no type arrays, boolean or untyped schemas, remote $refs', (name) => {
    const tool = listed.find((t) => t.name === name)!;
    expect([...portabilityFindings(tool.inputSchema, 'inputSchema'), ...portabilityFindings(tool.outputSchema, 'outputSchema')]).toEqual([]);
  });

  it('the rules catch what the Inspector flags', () => {
    expect(portabilityFindings({ type: 'object', properties: { sku: { type: ['string', 'null'] }, any: {}, no: false } })).toEqual([
      '.properties.sku: type is an array (["string","null"])',
      '.properties.any: untyped schema',
      '.properties.no: boolean schema',
    ]);
    expect(
      portabilityFindings({ type: 'object', properties: { sku: { anyOf: [{ type: 'string' }, { type: 'null' }] } }, additionalProperties: false }),
    ).toEqual([]);
  });
});
