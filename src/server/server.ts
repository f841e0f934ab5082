/**
 * The MCP server: lists the enabled tools and hands each `tools/call` to call.ts, which runs
 * it top-down. This file only speaks MCP: the listing, the unknown-tool protocol error, and
 * the call's context from the transport (cancellation, progress, URL-mode elicitation, the
 * HTTP mode's verified token). Transport-free: stdio.ts and the `call` command connect it.
 *
 * Built on the SDK's low-level `Server` with our own `tools/list` and `tools/call` handlers,
 * not `McpServer`: `tools/list` answers from the catalog (JSON made at build time), and the
 * call path with the tool records — 34 zod schemas to build — loads on the first `tools/call`,
 * so a host's `initialize` does not wait for code that only a call needs.
 *
 * Nothing here touches the network, the keychain or the browser until a tool is called:
 * `initialize` and `tools/list` must answer on a machine that has never signed in.
 *
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server/tools
 */
import { randomUUID } from 'node:crypto';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { Protocol, type RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation';
import {
  CallToolRequestSchema,
  ElicitResultSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListToolsRequestSchema,
  McpError,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod/v4';
import type { ApiClient } from '../api/client.js';
import { WhataloError } from '../errors.js';
import type { Logger } from '../log.js';
import type { CatalogEntry } from '../tools/catalog.js';
import type { ToolRecord } from '../tools/define.js';
import { PROMPTS, type PromptRecord } from '../tools/prompts.js';
import { NAME, VERSION } from '../version.js';
import type { AccessSource } from './access.js';
import type { RunCall, ToolCallContext } from './call.js';
import { toolTexts } from '../tools/texts.js';

export interface ServerDeps {
  /** The enabled tools, in list order, as `tools/list` shows them. */
  tools: readonly CatalogEntry[];
  /** Where each call's credentials come from: the local broker (stdio) or the verified request (HTTP). */
  source: AccessSource;
  api: ApiClient;
  logger: Logger;
  /** The records that can run; default: every tool in src/tools/index.ts. */
  records?: readonly ToolRecord[];
  /**
   * Ask the person before a destructive write when the host supports form elicitation
   * (config.confirmWrites, WHATALO_CONFIRM_WRITES). Default: on; off is for automation.
   */
  confirmWrites?: boolean;
  /**
   * How long a URL-mode sign-in link may wait for the host (config.loginTimeoutSeconds): the
   * sign-in's own limit, not the SDK's 60 s request timeout, which would cut a person reading
   * the consent page and then open a second tab in the browser. Default: the SDK's.
   */
  signInTimeoutMs?: number;
}

export interface WhataloServer {
  server: Server;
  close(): Promise<void>;
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Only what the SDK's dispatcher needs to route a request to the tools/call handler; the handler checks the rest. */
const TOOLS_CALL_METHOD = z.looseObject({ method: z.literal('tools/call') });

// Facts for the model about how this server behaves; no instructions to it.
export const INSTRUCTIONS = [
  'These tools work on one Whatalo store: the one chosen when the merchant signed in (get_store names it).',
  "Amounts are decimal numbers in the store currency's main unit (1927.69 MXN is 1,927.69 pesos, not centavos). " +
    'List tools return one page with next_cursor and has_more; a cursor is valid only with the same filters.',
  'The first call may open a Whatalo sign-in page in the browser; the first use of a tool that changes data may ask the merchant for that extra permission.',
  'No tool moves money: update_payment_status records what happened to a payment.',
  'A destructive change (a delete, an order cancelled or returned, a stock emptied) may first ask the merchant to confirm.',
].join(' ');

/** Progress notifications during sign-in, when the host asked for them with a progressToken. */
function progressReporter(extra: Extra): ((message: string) => void) | undefined {
  const token = extra._meta?.progressToken;
  if (token === undefined) return undefined;
  let progress = 0;
  return (message) => {
    progress += 1;
    extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, message } }).catch(() => {
      // The host went away; the sign-in itself goes on and will fail or succeed on its own.
    });
  };
}

/**
 * The SDK builds an Ajv instance for every Server (about a third of a millisecond of CPU, a
 * fifth of an HTTP request's cost, since HTTP mode makes a Server per request) and uses it
 * only in elicitInput to check form answers; this server asks its one yes/no form itself
 * (asker) and reads the one boolean. So it is built on first use, per server as before.
 */
function lazySchemaValidator(): jsonSchemaValidator {
  let ajv: AjvJsonSchemaValidator | undefined;
  return { getValidator: (schema) => (ajv ??= new AjvJsonSchemaValidator()).getValidator(schema) };
}

/** The yes/no form of a confirmation: one boolean, "no" unless ticked, its label in the person's language. */
let confirmSchema: { type: 'object'; properties: { confirm: { type: 'boolean'; title: string; default: false } }; required: ['confirm'] } | undefined;
function confirmForm(): NonNullable<typeof confirmSchema> {
  return (confirmSchema ??= {
    type: 'object',
    properties: { confirm: { type: 'boolean', title: toolTexts().t('tool.confirm.option'), default: false } },
    required: ['confirm'],
  });
}

/**
 * Form elicitation as the host declared it: `elicitation.form`, or an empty `elicitation`
 * object (MCP 2025-11-25: "equivalent to declaring support for form mode only").
 */
function formMode(elicitation: Record<string, unknown> | undefined): 'form' | 'legacy' | undefined {
  if (!elicitation) return undefined;
  if (elicitation.form) return 'form';
  return Object.keys(elicitation).length === 0 ? 'legacy' : undefined;
}

/** One prompt as prompts/list shows it. */
function listedPrompt(prompt: PromptRecord) {
  return { name: prompt.name, title: prompt.title, description: prompt.description, arguments: prompt.arguments };
}

/**
 * A URL elicitation that failed because the host went away (closed the connection, cancelled
 * the call) or let the sign-in's time run out: a WhataloError, so the sign-in ends there and
 * never opens a browser (a dead link, or a second tab next to the host's). Undefined for a host
 * that answered it cannot show the link: the browser is then the way to sign in.
 */
function hostNoLongerWaiting(error: unknown, signal: AbortSignal, url: string): WhataloError | undefined {
  const code = error instanceof McpError ? error.code : undefined;
  if (code === ErrorCode.RequestTimeout) {
    return new WhataloError('SIGN_IN_TIMEOUT', 'The Whatalo sign-in link was not completed in time, so the tool did not run.', {
      hint: 'Call the tool again to get a new link, or run `whatalo-mcp login` in a terminal.',
      details: { authorization_url: url },
    });
  }
  if (signal.aborted || code === ErrorCode.ConnectionClosed) {
    return new WhataloError('SIGN_IN_FAILED', 'The app that asked for the Whatalo sign-in stopped waiting for it, so no browser was opened.', {
      hint: 'Call the tool again from the app, or run `whatalo-mcp login` in a terminal.',
    });
  }
  return undefined;
}

export function createServer(deps: ServerDeps): WhataloServer {
  const server = new Server(
    { name: NAME, version: VERSION, title: 'Whatalo' },
    { capabilities: { tools: {}, prompts: {} }, instructions: INSTRUCTIONS, jsonSchemaValidator: lazySchemaValidator() },
  );
  const confirmWrites = deps.confirmWrites ?? true;

  /**
   * Asks the person a yes/no question by form elicitation; true only for an accepted form
   * with the box ticked. A host that fails to ask counts as "no": nothing destructive
   * happens without an answer, and WHATALO_CONFIRM_WRITES=off is the way around a host
   * that cannot show forms properly.
   */
  function asker(mode: 'form' | 'legacy', extra: Extra): (question: string) => Promise<boolean> {
    return async (message) => {
      const params = { ...(mode === 'form' ? { mode: 'form' as const } : {}), message, requestedSchema: confirmForm() };
      try {
        const answer = await server.request({ method: 'elicitation/create', params }, ElicitResultSchema, { signal: extra.signal });
        return answer.action === 'accept' && answer.content?.confirm === true;
      } catch (error) {
        if (extra.signal.aborted) throw error;
        return false;
      }
    };
  }

  /** What the transport knows of this call, for the source and the handler. */
  function callContext(extra: Extra): ToolCallContext {
    const context: ToolCallContext = { signal: extra.signal };
    const mode = confirmWrites ? formMode(server.getClientCapabilities()?.elicitation as Record<string, unknown> | undefined) : undefined;
    if (mode) context.ask = asker(mode, extra);
    const onProgress = progressReporter(extra);
    if (onProgress) context.onProgress = onProgress;
    if (extra.authInfo) context.authInfo = extra.authInfo;
    // URL-mode elicitation, when the host declared it: the host shows the sign-in URL, and is
    // told (elicitation/complete) once access is granted, so it can close its waiting view.
    if (server.getClientCapabilities()?.elicitation?.url) {
      const shown: string[] = [];
      context.presentUrl = async (url) => {
        const elicitationId = randomUUID();
        let answer: Awaited<ReturnType<typeof server.elicitInput>>;
        try {
          answer = await server.elicitInput(
            { mode: 'url', elicitationId, url, message: 'Sign in to Whatalo and choose the store to connect.' },
            { signal: extra.signal, ...(deps.signInTimeoutMs ? { timeout: deps.signInTimeoutMs } : {}) },
          );
        } catch (error) {
          throw hostNoLongerWaiting(error, extra.signal, url) ?? error;
        }
        if (answer.action !== 'accept') {
          throw new WhataloError(
            'SIGN_IN_FAILED',
            `The Whatalo sign-in link was ${answer.action === 'decline' ? 'declined' : 'dismissed'}, so the tool did not run.`,
            {
              hint: 'Call the tool again to get a new link, or run `whatalo-mcp login` in a terminal.',
            },
          );
        }
        shown.push(elicitationId);
      };
      context.onAccessGranted = async () => {
        for (const id of shown.splice(0))
          await server
            .createElicitationCompletionNotifier(id)()
            .catch(() => {});
      };
    }
    return context;
  }

  const enabled = new Set(deps.tools.map((entry) => entry.name));
  const listing = { tools: deps.tools.map((entry) => entry.listed) };
  // The call path loads once, on the first call; a failed import is tried again on the next.
  let runCall: Promise<RunCall> | undefined;
  const loadCall = () => {
    runCall ??= import('./call.js').then(({ createCall }) => createCall(deps));
    runCall.catch(() => (runCall = undefined));
    return runCall;
  };

  server.setRequestHandler(ListToolsRequestSchema, () => listing);

  // A prompt is offered only when every tool it names is enabled (--toolsets, --read-only).
  const prompts = PROMPTS.filter((prompt) => prompt.tools.every((name) => enabled.has(name)));
  const promptListing = { prompts: prompts.map(listedPrompt) };
  server.setRequestHandler(ListPromptsRequestSchema, () => promptListing);
  server.setRequestHandler(GetPromptRequestSchema, (request) => {
    const prompt = prompts.find((p) => p.name === request.params.name);
    if (!prompt) throw new McpError(ErrorCode.InvalidParams, `Unknown prompt: ${request.params.name}`);
    const args = request.params.arguments ?? {};
    const missing = prompt.arguments.filter((a) => a.required && !args[a.name]?.trim()).map((a) => a.name);
    if (missing.length > 0)
      throw new McpError(ErrorCode.InvalidParams, `Missing argument${missing.length > 1 ? 's' : ''} for ${prompt.name}: ${missing.join(', ')}`);
    // Arguments are the merchant's words, put into a request to the model; bounded, one line each.
    const bounded = Object.fromEntries(Object.entries(args).map(([k, v]) => [k, String(v).replace(/\s+/g, ' ').slice(0, 500)]));
    return {
      description: prompt.description,
      messages: [{ role: 'user' as const, content: { type: 'text' as const, text: prompt.text(bounded) } }],
    };
  });

  // Installed beneath Server's own tools/call wrapper, which parses each request a second time
  // and then parses the result against CallToolResultSchema and answers with zod's copy of it:
  // 1–2 µs of server CPU per call (bench/ab-builds.mjs, concurrency 16 and 64), for results
  // that only results.ts builds, whose structuredContent call.ts has checked against the
  // tool's output schema, and that the host parses again on arrival. The request is still
  // checked once, with the SDK's schema and the SDK's error (-32602); the wrapper's other branch
  // is for task-augmented calls, which this server does not offer (no `tasks` capability).
  Protocol.prototype.setRequestHandler.call(server, TOOLS_CALL_METHOD, async (raw, extra) => {
    const checked = CallToolRequestSchema.safeParse(raw);
    if (!checked.success) {
      const issues = checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
      throw new McpError(ErrorCode.InvalidParams, `Invalid tools/call request: ${issues.join('; ')}`);
    }
    const { name, arguments: args } = checked.data.params;
    // MCP 2025-11-25: an unknown tool is a protocol error, not a tool result.
    if (!enabled.has(name)) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
    return (await loadCall())(name, args, callContext(extra));
  });

  return {
    server,
    async close() {
      await server.close();
    },
  };
}
