/**
 * The one place errors become tool results. Two kinds (as github-mcp-server draws the line):
 * what the merchant or the model can act on — sign-in, scope, not found, refused values,
 * rate limit, Whatalo unreachable — is a failed result with a specific message; anything
 * else is a bug: logged with its stack on stderr, answered with a generic text. Every text
 * passes redact(), so even a slip can never put a token in front of a model.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { isWhataloError, type WhataloError } from '../errors.js';
import { type Logger, redact } from '../log.js';
import type { ToolOutput, ToolRecord } from '../tools/define.js';

/** A successful call: a short text and the structured content the output schema describes. */
export function toolResult(output: ToolOutput<unknown>): CallToolResult {
  return {
    content: [{ type: 'text', text: redact(output.text) }],
    structuredContent: output.data as Record<string, unknown>,
  };
}

function failed(text: string): CallToolResult {
  return { content: [{ type: 'text', text: redact(text) }], isError: true };
}

/** 422 field errors, with API field names turned back into the tool's argument names. */
function refusedFields(error: WhataloError, tool: ToolRecord): string | undefined {
  const fieldErrors = error.details?.fieldErrors;
  if (!Array.isArray(fieldErrors) || fieldErrors.length === 0) return undefined;
  const aliases = tool.fieldAliases ?? {};
  const listed = (fieldErrors as { field: string; message: string }[]).map((e) => `${aliases[e.field] ?? e.field} ${e.message}`);
  return `Whatalo refused the values: ${listed.join('; ')}.`;
}

/** Any error thrown while running `tool`, as the result the model sees. */
export function errorResult(error: unknown, tool: ToolRecord, logger: Logger): CallToolResult {
  if (isWhataloError(error)) {
    const requestId = error.details?.requestId;
    logger.debug(`tool ${tool.name} failed`, { code: error.code, ...(typeof requestId === 'string' ? { requestId } : {}) });
    if (error.code === 'VALIDATION') return failed(refusedFields(error, tool) ?? error.toUserText());
    return failed(error.toUserText());
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  logger.error(`tool ${tool.name} failed unexpectedly (please report it)`, { error: detail });
  return failed(`${tool.name} failed because of an internal error in whatalo-mcp; the details are in its log.`);
}
