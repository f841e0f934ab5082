/**
 * What a remote MCP server last said of itself: its `initialize` answer and its first
 * `tools/list` page, kept in the config directory (one private file per server URL). When the
 * server is down as the host starts, the relay answers the host from this, so the host's
 * session starts and its tools are listed instead of the whole server being marked dead
 * until the host restarts (relay.ts).
 *
 * Nothing secret is kept (tool names, descriptions, schemas); the file is private anyway, as
 * everything in the config directory is. A file that cannot be read or does not have the
 * expected shape counts as nothing seen.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { InitializeResultSchema, ListToolsResultSchema, type InitializeResult, type ListToolsResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { readPrivateFile, writePrivateFileAtomic } from '../auth/credentials/private-file.js';
import type { Logger } from '../log.js';

export interface LastSeen {
  initialize: InitializeResult | null;
  tools: ListToolsResult | null;
}

export interface LastSeenStore {
  read(): Promise<LastSeen>;
  /** Keeps one answer (written in the background; a failure is only logged). */
  keep(kind: keyof LastSeen, result: unknown): void;
  /** Resolves once every answer kept so far is written (before the process exits). */
  settled(): Promise<void>;
}

const NOTHING: LastSeen = { initialize: null, tools: null };

const file = z.object({ version: z.literal(1), server: z.string(), initialize: z.unknown().optional(), tools: z.unknown().optional() });

/** `<configDir>/remote/<digest of the URL>.json`: any URL makes a safe file name. */
export function lastSeenPath(configDir: string, server: URL): string {
  return path.join(configDir, 'remote', `${createHash('sha256').update(server.href).digest('hex').slice(0, 16)}.json`);
}

export function lastSeenStore(configDir: string, server: URL, logger: Logger): LastSeenStore {
  const where = lastSeenPath(configDir, server);
  let writing: Promise<void> = Promise.resolve();

  async function read(): Promise<LastSeen> {
    let parsed: z.infer<typeof file>;
    try {
      const bytes = await readPrivateFile(where);
      if (!bytes) return NOTHING;
      parsed = file.parse(JSON.parse(bytes.toString('utf8')));
    } catch (error) {
      logger.debug(`${where} is unreadable; taken as nothing seen`, { error });
      return NOTHING;
    }
    if (parsed.server !== server.href) return NOTHING;
    const initialize = InitializeResultSchema.safeParse(parsed.initialize);
    const tools = ListToolsResultSchema.safeParse(parsed.tools);
    return { initialize: initialize.success ? initialize.data : null, tools: tools.success ? tools.data : null };
  }

  return {
    read,
    keep(kind, result) {
      // One write at a time, each on top of the last: two answers in a row both stay.
      writing = writing.then(async () => {
        const seen = await read();
        const next = { version: 1, server: server.href, ...seen, [kind]: result };
        await writePrivateFileAtomic(where, JSON.stringify(next));
      });
      writing = writing.catch((error: unknown) => logger.debug(`could not keep the remote server's ${kind} answer`, { error }));
    },
    settled: () => writing,
  };
}
