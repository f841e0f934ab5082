/**
 * One in-process MCP session for tool tests: the real createServer and call path, over the
 * SDK's in-memory transport, with API v1 being whatever `apiBase` answers (a fake API on
 * 127.0.0.1, or the sandbox) and access granted with every scope. The client may declare
 * form elicitation and answer it as the test says.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { type CallToolResult, ElicitRequestSchema, type ElicitRequest, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { createApiClient } from '../../src/api/client.js';
import { silentLogger } from '../../src/log.js';
import { ALL_SCOPES } from '../../src/scopes.js';
import { createServer } from '../../src/server/server.js';
import { ALL_TOOLS } from '../../src/tools/index.js';
import { catalogOf } from '../../src/tools/listing.js';

export interface SessionOptions {
  apiBase: URL;
  accessToken?: string;
  storeId?: string;
  /** The client's elicitation capability: form (2025-11-25), legacy (an empty object), or none. */
  elicitation?: 'form' | 'legacy' | 'none';
  /** How the person answers each question. */
  answer?: (request: ElicitRequest['params']) => ElicitResult;
  confirmWrites?: boolean;
  toolsets?: readonly string[];
  /** What the sign-in granted; default every scope. */
  scopes?: readonly string[];
}

export interface ToolSession {
  client: Client;
  /** Every question the host was asked. */
  questions: string[];
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export async function startToolSession(options: SessionOptions): Promise<ToolSession> {
  const records = options.toolsets ? ALL_TOOLS.filter((t) => options.toolsets!.includes(t.toolset)) : ALL_TOOLS;
  const server = createServer({
    tools: catalogOf(records),
    records,
    api: createApiClient({ apiBase: options.apiBase, retry: { baseMs: 1 } }),
    source: {
      ensureAccess: async () => ({
        accessToken: options.accessToken ?? 'T'.repeat(43),
        storeId: options.storeId ?? 'str_8k2m4n6p',
        scopes: options.scopes ?? ALL_SCOPES,
      }),
      invalidate: () => {},
    },
    logger: silentLogger,
    ...(options.confirmWrites === undefined ? {} : { confirmWrites: options.confirmWrites }),
  });
  const mode = options.elicitation ?? 'none';
  const capabilities = mode === 'form' ? { elicitation: { form: {} } } : mode === 'legacy' ? { elicitation: {} } : {};
  const client = new Client({ name: 'tool-test', version: '0' }, { capabilities });
  const questions: string[] = [];
  if (mode !== 'none') {
    client.setRequestHandler(ElicitRequestSchema, (request) => {
      questions.push(request.params.message);
      return options.answer ? options.answer(request.params) : { action: 'decline' };
    });
  }
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.server.connect(serverSide);
  await client.connect(clientSide);
  await client.listTools(); // lets the client check structuredContent against outputSchema
  return {
    client,
    questions,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    async close() {
      await client.close();
      await server.close();
    },
  };
}

export const yes = (): ElicitResult => ({ action: 'accept', content: { confirm: true } });
export const no = (): ElicitResult => ({ action: 'accept', content: { confirm: false } });
