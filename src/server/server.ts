/**
 * The MCP server: lists the enabled tools and runs each call through the same path — the
 * arguments checked against the tool's input schema, access from the broker (sign-in,
 * refresh, step-up, the scope check), the typed API for that access's store, one result
 * checked against the output schema, or one error result. Transport-free: stdio.ts and the
 * `call` command connect it.
 *
 * Built on the SDK's low-level `Server` with our own `tools/list` and `tools/call` handlers,
 * not `McpServer`: `tools/list` answers from the catalog (JSON made at build time), and the
 * tool records — 34 zod schemas to build — load on the first `tools/call` (issue 6, figure 1).
 *
 * Nothing here touches the network, the keychain or the browser until a tool is called:
 * `initialize` and `tools/list` must answer on a machine that has never signed in.
 *
 * @see https://modelcontextprotocol.io/specification/2025-11-25/server/tools
 */
import { randomUUID } from 'node:crypto';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type { ApiClient, CredentialSource } from '../api/client.js';
import type { Access, AccessContext, Broker } from '../auth/broker.js';
import { WhataloError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Scope } from '../scopes.js';
import type { CatalogEntry } from '../tools/catalog.js';
import type { ToolRecord } from '../tools/define.js';
import { NAME, VERSION } from '../version.js';
import type * as Results from './results.js';

/** What a tool call needs from the broker; the full Broker fits. */
export type AccessBroker = Pick<Broker, 'ensureAccess' | 'invalidate'>;

export interface ServerDeps {
  /** The enabled tools, in list order, as `tools/list` shows them. */
  tools: readonly CatalogEntry[];
  /** The record of an enabled tool, on its first call; default: from the tools/index.js list. */
  load?: (name: string) => Promise<ToolRecord | undefined>;
  /** The API client, or a function that makes it on the first call (its module is not needed before). */
  api: ApiClient | (() => Promise<ApiClient>);
  /** Resolves the broker; called on the first tool call only, then reused. */
  broker: () => Promise<AccessBroker>;
  logger: Logger;
}

export interface WhataloServer {
  server: Server;
  close(): Promise<void>;
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

// Facts for the model about how this server behaves; no instructions to it.
export const INSTRUCTIONS = [
  'These tools work on one Whatalo store: the one chosen when the merchant signed in (get_store names it).',
  'Amounts are in the store currency. List tools return one page with next_cursor and has_more; a cursor is valid only with the same filters.',
  'The first call may open a Whatalo sign-in page in the browser; the first use of a tool that changes data may ask the merchant for that extra permission.',
  'There are no payment or refund tools.',
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

// Like the records, the result mapping is first needed by the first call.
let resultsModule: Promise<typeof Results> | undefined;
const results = () => (resultsModule ??= import('./results.js'));

async function defaultLoad(name: string): Promise<ToolRecord | undefined> {
  const { ALL_TOOLS } = await import('../tools/index.js');
  return ALL_TOOLS.find((t) => t.name === name);
}

export function createServer(deps: ServerDeps): WhataloServer {
  const { logger } = deps;
  const server = new Server({ name: NAME, version: VERSION, title: 'Whatalo' }, { capabilities: { tools: {} }, instructions: INSTRUCTIONS });

  let broker: Promise<AccessBroker> | undefined;
  const getBroker = () => {
    broker ??= deps.broker();
    // A broker that failed to open (a locked keychain…) is tried again on the next call.
    broker.catch(() => (broker = undefined));
    return broker;
  };

  /** URL-mode elicitation, when the host declared it: the host shows the sign-in URL. */
  function urlPresenter(extra: Extra, shown: string[]): AccessContext['presentUrl'] {
    if (!server.getClientCapabilities()?.elicitation?.url) return undefined;
    return async (url) => {
      const elicitationId = randomUUID();
      const answer = await server.elicitInput(
        { mode: 'url', elicitationId, url, message: 'Sign in to Whatalo and choose the store to connect.' },
        { signal: extra.signal },
      );
      if (answer.action !== 'accept') {
        throw new WhataloError('SIGN_IN_FAILED', `The Whatalo sign-in link was ${answer.action === 'decline' ? 'declined' : 'dismissed'}, so the tool did not run.`, {
          hint: 'Call the tool again to get a new link, or run `whatalo-mcp login` in a terminal.',
        });
      }
      shown.push(elicitationId);
    };
  }

  /** Credentials for one call: ensureAccess for the tool's scope; after a 401, invalidate and once more. */
  function credentialSource(scope: Scope, context: AccessContext, shown: string[]): CredentialSource {
    let current: Promise<Access> | undefined;
    const access = async () => {
      const b = await getBroker();
      const granted = await b.ensureAccess(scope, context);
      // The host can close its "waiting for sign-in" view (elicitation/complete).
      for (const id of shown.splice(0)) await server.createElicitationCompletionNotifier(id)().catch(() => {});
      return granted;
    };
    const asCredentials = (a: Access) => ({ accessToken: a.accessToken, storeId: a.storeId });
    return {
      async current() {
        current ??= access();
        return asCredentials(await current);
      },
      async renew(stale) {
        (await getBroker()).invalidate(stale.accessToken);
        current = access();
        return asCredentials(await current);
      },
    };
  }

  let api: Promise<ApiClient> | undefined;
  const getApi = () => (api ??= typeof deps.api === 'function' ? deps.api() : Promise.resolve(deps.api));

  const enabled = new Map(deps.tools.map((entry) => [entry.name, entry]));
  const listing = { tools: deps.tools.map((entry) => entry.listed) };
  const load = deps.load ?? defaultLoad;
  const records = new Map<string, Promise<ToolRecord>>();
  const recordOf = (name: string) => {
    let record = records.get(name);
    if (!record) {
      record = load(name).then((found) => found ?? Promise.reject(new Error(`tool ${name} is listed but has no record`)));
      records.set(name, record);
      // A failed import is tried again on the next call rather than remembered.
      record.catch(() => records.delete(name));
    }
    return record;
  };

  server.setRequestHandler(ListToolsRequestSchema, () => listing);

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const { name, arguments: args } = request.params;
    // MCP 2025-11-25: an unknown tool is a protocol error, not a tool result.
    if (!enabled.has(name)) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
    const [tool, { errorResult, invalidArguments, toolResult }] = await Promise.all([recordOf(name), results()]);
    const parsed = tool.inputSchema.safeParse(args ?? {});
    if (!parsed.success) return invalidArguments(parsed.error, tool);
    try {
      const shown: string[] = [];
      const onProgress = progressReporter(extra);
      const presentUrl = urlPresenter(extra, shown);
      const context: AccessContext = { signal: extra.signal, ...(onProgress ? { onProgress } : {}), ...(presentUrl ? { presentUrl } : {}) };
      const storeApi = (await getApi()).bind(credentialSource(tool.scope, context, shown), extra.signal);
      const output = await tool.handler(parsed.data as never, { api: storeApi, signal: extra.signal });
      const checked = tool.outputSchema.safeParse(output.data);
      // The host checks structuredContent against the listed schema too; a mismatch is our bug.
      if (!checked.success) throw new Error(`structuredContent does not match the output schema: ${checked.error.message}`);
      return toolResult(output);
    } catch (error) {
      return errorResult(error, tool, logger);
    }
  });

  return {
    server,
    async close() {
      await server.close();
    },
  };
}
