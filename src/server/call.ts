/**
 * One `tools/call`, top-down: the arguments against the tool's input schema → access for the
 * tool's scope from the AccessSource, scope checked → API v1 bound to that access → the
 * handler → its output against the output schema → one result, or one error result.
 *
 * Loaded by server.ts on the first call, with the tool records it imports: `initialize` and
 * `tools/list` answer before any of this (or the 34 zod schemas of the records) is loaded.
 *
 * @see ../../docs/design.md "One tool call, top-down"
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type ApiAnswer, type ApiClient, type StoreApi, storeApi } from '../api/client.js';
import { isUnauthorized } from '../api/errors.js';
import type { Store } from '../api/types.js';
import { isWhataloError } from '../errors.js';
import type { Logger } from '../log.js';
import { type Scope, hasScope } from '../scopes.js';
import type { ToolContext, ToolRecord } from '../tools/define.js';
import { ALL_TOOLS } from '../tools/index.js';
import { type Access, type AccessSource, type CallContext, requireScope } from './access.js';
import { errorResult, invalidArguments, toolResult } from './results.js';

export interface CallDeps {
  source: AccessSource;
  api: ApiClient;
  logger: Logger;
  /** The records that can run; default: every tool in src/tools/index.ts. */
  records?: readonly ToolRecord[];
}

/** What server.ts adds to a call's context for the tools. */
export interface ToolCallContext extends CallContext {
  /** Asks the person a yes/no question (form elicitation); absent when the host cannot or asking is off. */
  ask?: (question: string) => Promise<boolean>;
}

/** Runs the listed tool `name` with the host's `args`; never throws for what a tool does. */
export type RunCall = (name: string, args: unknown, context: ToolCallContext) => Promise<CallToolResult>;

export function createCall(deps: CallDeps): RunCall {
  const { source, api, logger } = deps;
  const records = new Map((deps.records ?? ALL_TOOLS).map((tool) => [tool.name, tool]));

  return async function runCall(name, args, context) {
    const tool = records.get(name);
    // server.ts only passes listed tools, and the listing is made from these records.
    if (!tool) throw new Error(`tool ${name} is listed but has no record`);

    const parsed = tool.inputSchema.safeParse(args ?? {});
    if (!parsed.success) return invalidArguments(parsed.error, tool);
    // The last answer the API gave this call: when the tool then fails on it, that is what to name.
    let answered: ApiAnswer | undefined;
    try {
      const access = await accessFor(source, tool.scope, context);
      const bound = boundApi(api, source, tool.scope, context, access, (answer) => (answered = answer));
      // The store is read on the side: its answer is not the one a shape mismatch would be about.
      const side = () => boundApi(api, source, tool.scope, context, access);
      const output = await tool.handler(parsed.data as never, toolContext(api, bound, side, access, context));
      const checked = tool.outputSchema.safeParse(output.data);
      // The host checks structuredContent against the listed schema too; a mismatch is our bug.
      if (!checked.success) throw new Error(`structuredContent does not match the output schema: ${checked.error.message}`);
      return toolResult(output);
    } catch (error) {
      return errorResult(error, tool, logger, answered);
    }
  };
}

/** What a handler gets besides its arguments: the API, the store (cached), and the question before a destructive write. */
function toolContext(api: ApiClient, bound: StoreApi, side: () => StoreApi, access: Access, context: ToolCallContext): ToolContext {
  return {
    api: bound,
    signal: context.signal,
    store: () => storeOf(api, side, access),
    async confirm(question) {
      if (!context.ask) return true;
      const asked = await question();
      return asked === undefined ? true : context.ask(asked);
    },
  };
}

/**
 * The store of this access from the cache, else read once. Best effort: a sign-in without
 * `read:store` (a products-only toolset) or a failed read leaves texts without a currency
 * rather than failing the tool.
 */
async function storeOf(api: ApiClient, side: () => StoreApi, access: Access): Promise<Store | undefined> {
  const known = api.stores.get(access.storeId);
  if (known || !hasScope(access.scopes, 'read:store')) return known;
  try {
    const store = await side().getStore();
    api.stores.set(access.storeId, store);
    return store;
  } catch (error) {
    if (isWhataloError(error) && error.code !== 'CANCELLED') return undefined;
    throw error;
  }
}

/** Access carrying `scope`, from the source, with the scope check named and done here. */
async function accessFor(source: AccessSource, scope: Scope, context: CallContext): Promise<Access> {
  const access = requireScope(await source.ensureAccess(scope, context), scope);
  // Only when there is something to wait for: an await of nothing still costs a turn.
  if (context.onAccessGranted) await context.onAccessGranted();
  return access;
}

/**
 * API v1 for one call, sent with `access`. A 401 means the token stopped working since the
 * source vouched for it (revoked, expired early): the source forgets it, and that request
 * goes once more with what the source grants next; a second 401 is the caller's error.
 * Safe for a POST too: a 401 is answered before anything is changed.
 */
export function boundApi(
  api: ApiClient,
  source: AccessSource,
  scope: Scope,
  context: CallContext,
  access: Access,
  answered?: (answer: ApiAnswer) => void,
): StoreApi {
  let current = access;
  return storeApi(async (req) => {
    const sentWith = current;
    try {
      return await api.request(req, sentWith, context.signal, answered);
    } catch (error) {
      if (!isUnauthorized(error)) throw error;
      source.invalidate(sentWith);
      current = await accessFor(source, scope, context);
      return api.request(req, current, context.signal, answered);
    }
  });
}
