/**
 * The one place errors become tool results. Two kinds (as github-mcp-server draws the line):
 * what the merchant or the model can act on — sign-in, scope, not found, refused values,
 * rate limit, Whatalo unreachable — is a failed result with a specific message; anything
 * else is a bug: logged with its stack on stderr, answered with a generic text. Every text
 * passes redact(), so even a slip can never put a token in front of a model, and
 * escapeControls(), so text quoted from the API cannot carry a control sequence either.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ZodError } from 'zod';
import type { ApiAnswer } from '../api/client.js';
import { apiDetails, isWhataloError, type WhataloError } from '../errors.js';
import { translator } from '../i18n/index.js';
import { isPlainText, type Logger, redact } from '../log.js';
import { escapeControls } from '../safe-text.js';
import type { ToolOutput, ToolRecord } from '../tools/define.js';

/**
 * A successful call: the short summary for a person, the structured content the output schema
 * describes, and that content again as compact JSON in a second text block. MCP asks a tool
 * with structured content to serialise it as text too: hosts and models that read only text
 * would otherwise see "Showing products 1–2 of 64" and no products.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server/tools#structured-content
 */
export function toolResult(output: ToolOutput<unknown>): CallToolResult {
  return {
    content: [
      { type: 'text', text: shown(output.text) },
      { type: 'text', text: jsonText(output.data) },
    ],
    structuredContent: output.data as Record<string, unknown>,
  };
}

/** Tool texts are ours and may span lines; what they quote (names, messages) may not add control characters. */
function shown(text: string): string {
  return isPlainText(text) ? text : redact(escapeControls(text, { keepNewlines: true }));
}

/**
 * Compact JSON whose text holds no control character raw and no token: JSON.stringify escapes
 * C0 itself; DEL, C1 and the bidirectional overrides become `\uXXXX` escapes, which parse back
 * to the same value, so the text still equals structuredContent.
 */
function jsonText(data: unknown): string {
  const json = JSON.stringify(data);
  if (isPlainText(json)) return json;
  return redact(json.replace(/[\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

function failed(text: string): CallToolResult {
  return { content: [{ type: 'text', text: shown(text) }], isError: true };
}

type Issue = ZodError['issues'][number];

function describeIssue(issue: Issue): string {
  if (issue.code === 'unrecognized_keys') return `unknown argument${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  const field = issue.path.map(String).join('.');
  const message = /received undefined$/.test(issue.message) ? 'is required' : issue.message;
  return field ? `${field}: ${message}` : message;
}

const MAX_ISSUES = 5;

/**
 * Arguments that do not fit the input schema: a failed result naming each field (a tool
 * execution error in MCP's terms, so the model can correct itself), not a protocol error.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server/tools#error-handling
 */
export function invalidArguments(error: ZodError, tool: ToolRecord): CallToolResult {
  return failed(translator().t('error.invalidArguments', { tool: tool.name, problems: argumentProblems(error) }));
}

/** What is wrong with a tool's arguments, field by field (at most five named). */
export function argumentProblems(error: ZodError): string {
  const issues = error.issues.slice(0, MAX_ISSUES).map(describeIssue);
  const more = error.issues.length > MAX_ISSUES ? ` (and ${error.issues.length - MAX_ISSUES} more)` : '';
  return `${issues.join('; ')}${more}`;
}

/** 422 field errors, with API field names turned back into the tool's argument names. */
function refusedFields(error: WhataloError, tool: ToolRecord): string | undefined {
  const fieldErrors = apiDetails(error)?.fieldErrors;
  if (!fieldErrors || fieldErrors.length === 0) return undefined;
  const aliases = tool.fieldAliases ?? {};
  const listed = fieldErrors.map((e) => `${aliases[e.field] ?? e.field} ${e.message}`);
  return translator().t('error.refusedValues', { listed: listed.join('; ') });
}

/**
 * Any error thrown while running `tool`, as the result the model sees. `answered` is the
 * API answer the call last received: a tool that then fails on a plain error met an answer
 * of a shape it did not expect (a field missing, a number as a string), which is the API's
 * doing as far as the merchant can tell, and the request id is what Whatalo's support needs.
 */
export function errorResult(error: unknown, tool: ToolRecord, logger: Logger, answered?: ApiAnswer): CallToolResult {
  if (isWhataloError(error)) {
    const requestId = apiDetails(error)?.requestId;
    logger.debug(`tool ${tool.name} failed`, { code: error.code, ...(requestId === undefined ? {} : { requestId }) });
    if (error.code === 'VALIDATION') return failed(refusedFields(error, tool) ?? error.toUserText());
    // API v1's 403 may not name the scope; the tool knows the one it needs.
    if (error.code === 'INSUFFICIENT_SCOPE' && apiDetails(error) && !apiDetails(error)?.requiredScope) {
      return failed(`${error.message} (${translator().t('error.toolNeeds', { tool: tool.name, scope: tool.scope })}). ${error.hint ?? ''}`.trim());
    }
    return failed(error.toUserText());
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (answered) {
    const id = answered.requestId ?? translator().t('error.noRequestId');
    logger.error(`tool ${tool.name}: the answer to ${answered.method} ${answered.path} was not what it expects`, { requestId: id, error: detail });
    return failed(translator().t('error.unexpectedAnswer', { method: answered.method, path: answered.path, requestId: id, tool: tool.name }));
  }
  logger.error(`tool ${tool.name} failed unexpectedly (please report it)`, { error: detail });
  return failed(translator().t('error.internal', { tool: tool.name }));
}
