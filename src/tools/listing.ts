/**
 * A tool record as `tools/list` shows it: the record's own words and annotations, and JSON
 * Schemas converted from its zod schemas, then trimmed of what costs a model's context and
 * tells it little (every byte of it is in a model's context on every turn): the `$schema` URI, every `additionalProperties` (inputs
 * refuse unknown arguments by name; outputs stay open to fields Whatalo adds later), the ±2^53
 * bounds zod writes for every integer, and the field types of records inside outputs (see
 * trim). `execution` stays out (its protocol default is what we do), and so does
 * `annotations.title` (the tool has `title`). A nullable value stays zod's
 * `anyOf: [{type: T}, {type: "null"}]`: the shorter `type: [T, "null"]` is refused or dropped
 * by hosts that map schemas onto a single-`type` dialect (Gemini's OpenAPI subset), and the
 * Inspector flags it as unportable.
 *
 * Run at build time by scripts/listing.mjs (dist/tools/listing.json) and, when that file is
 * missing or stale, at start-up (listing-file.ts).
 *
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server/tools#tool
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { CatalogEntry } from './catalog.js';
import type { ToolRecord } from './define.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

// What says something about the value as a whole, kept beside `anyOf` rather than in a branch.
const ANNOTATIONS = new Set(['description', 'title', 'default']);

/**
 * `type: [T, "null"]` (what zod writes for a bare nullable) → one `anyOf` branch per type, the
 * portable spelling; constraints go to the branches that are not null.
 */
function splitTypeList(node: JsonObject): JsonObject {
  if (!Array.isArray(node.type)) return node;
  const outer: JsonObject = {};
  const constraints: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'type') continue;
    (ANNOTATIONS.has(key) ? outer : constraints)[key] = value;
  }
  const anyOf = node.type.map((type): Json => (type === 'null' ? { type } : { type, ...constraints }));
  return { anyOf, ...outer };
}

const isEmptyObject = (value: Json | undefined) => isObject(value) && Object.keys(value).length === 0;

function trim(node: Json, output: boolean): Json {
  if (Array.isArray(node)) return node.map((n) => trim(n, output));
  if (!isObject(node)) return node;
  // A loose record in an output (a Whatalo object passed through, extra fields kept) is listed
  // by the keys it always has: their types are checked by the server against the zod schema
  // before the host sees the result, and each typed field cost ~25 bytes of every listing.
  if (output && isEmptyObject(node.additionalProperties) && isObject(node.properties)) {
    return {
      type: 'object',
      ...(node.description === undefined ? {} : { description: node.description }),
      ...(node.required === undefined ? {} : { required: node.required }),
    };
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema') continue;
    // Input objects are strict: an unknown argument is refused by name, which says more than
    // `additionalProperties: false` in every listing. Outputs stay open to added fields.
    if (key === 'additionalProperties') continue;
    if ((key === 'minimum' || key === 'maximum') && typeof value === 'number' && Math.abs(value) === Number.MAX_SAFE_INTEGER) continue;
    out[key] = trim(value, output);
  }
  return splitTypeList(out);
}

/** One zod object schema as the lean JSON Schema a host receives. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): Tool['inputSchema'] {
  const converted = z.toJSONSchema(schema, { target: 'draft-07', io, unrepresentable: 'any' }) as Json;
  return trim(converted, io === 'output') as Tool['inputSchema'];
}

/** The `tools/list` entry of one record. */
export function listedTool(record: ToolRecord): Tool {
  return {
    name: record.name,
    title: record.title,
    description: record.description,
    inputSchema: jsonSchemaOf(record.inputSchema, 'input'),
    outputSchema: jsonSchemaOf(record.outputSchema, 'output') as Tool['outputSchema'] & object,
    annotations: { ...record.annotations },
  };
}

/** The catalog of `records`, in their order. */
export function catalogOf(records: readonly ToolRecord[]): CatalogEntry[] {
  return records.map((r) => ({ name: r.name, toolset: r.toolset, scope: r.scope, annotations: { ...r.annotations }, listed: listedTool(r) }));
}
