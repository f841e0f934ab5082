/**
 * Shared plumbing of the reliability and security suites: spawned servers that are always
 * closed, everything they said collected for the token-leak sweep, and the checks every
 * failure must pass (a message a merchant can act on, never an internal error or a stack).
 */
import { readFile, rm } from 'node:fs/promises';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, expect } from 'vitest';
import type { SandboxOptions } from '../../src/sandbox/index.js';
import { type FigureCounter } from '../helpers/figures.js';
import { sweepForTokens } from '../helpers/leaks.js';
import { type McpOptions, type McpSession, startMcp, textOf } from '../helpers/mcp.js';
import { type TestSandbox, startTestSandbox } from '../helpers/sandbox.js';

/** Everything the processes of a suite wrote and answered, for the leak sweep at the end. */
export class Outputs {
  readonly texts: Record<string, string> = {};
  readonly dirs: string[] = [];
  private n = 0;

  add(name: string, text: string): void {
    this.texts[`${++this.n} ${name}`] = text;
  }

  /** Sweeps everything collected; adds the leaks to the figures and fails on any. */
  async sweep(sandbox: TestSandbox, figures: FigureCounter): Promise<void> {
    const report = await sweepForTokens(sandbox, { texts: this.texts, dirs: this.dirs });
    figures.add('leaksFound', report.leaks.length);
    expect(report.leaks, `tokens found in the clear: ${JSON.stringify(report.leaks)}`).toEqual([]);
  }
}

/** A spawned server whose output is kept for the sweep, and the pid it runs as. */
export type SweptServer = McpSession & { pid(): number };

/** startMcp, with every result and the stderr kept for the sweep; `close` is idempotent. */
export async function startServer(outputs: Outputs, options: McpOptions = {}): Promise<SweptServer> {
  const session = await startMcp(options);
  outputs.dirs.push(session.configDir);
  let closed = false;
  return {
    ...session,
    async call(name, args) {
      const result = await session.call(name, args);
      outputs.add(`result of ${name}`, JSON.stringify(result));
      return result;
    },
    pid: () => (session.client.transport as unknown as { pid: number | null }).pid ?? -1,
    async close() {
      if (closed) return;
      closed = true;
      outputs.add('server stderr', session.stderr());
      await session.close();
    },
  };
}

/**
 * Sandboxes and servers a suite starts as its tests need them, cleaned up for it: the servers
 * after each test, so each test starts from none; after all tests every sandbox is swept for
 * its tokens in everything the suite's processes said and wrote, then closed, and the config
 * dirs in `outputs.dirs` removed.
 */
export function useSweptServers(figures: FigureCounter) {
  const outputs = new Outputs();
  const sandboxes: TestSandbox[] = [];
  const servers: SweptServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    for (const sb of sandboxes) await outputs.sweep(sb, figures);
    await Promise.all(sandboxes.map((sb) => sb.close()));
    await Promise.all(outputs.dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return {
    outputs,
    async sandbox(options: SandboxOptions = {}): Promise<TestSandbox> {
      const sb = await startTestSandbox(options);
      sandboxes.push(sb);
      return sb;
    },
    async server(options: McpOptions = {}): Promise<SweptServer> {
      const server = await startServer(outputs, options);
      servers.push(server);
      return server;
    },
  };
}

/** A failed result whose text a merchant can act on: specific, with no internals and no stack. */
export function expectActionableError(result: CallToolResult, pattern: RegExp): string {
  const text = textOf(result);
  // SHOW_ERRORS=1 prints each failure text, to review what a merchant would read.
  if (process.env.SHOW_ERRORS) console.log('ERROR TEXT:', text);
  expect(result.isError, `expected an error, got: ${text}`).toBe(true);
  expect(text).toMatch(pattern);
  expect(text).not.toMatch(/internal error|\n\s+at \S+ \(|undefined|\[object Object\]/);
  return text;
}

/** How many API v1 requests the sandbox has seen (all routes). */
export function apiRequests(stats: { requests: Record<string, number> }): number {
  return Object.entries(stats.requests)
    .filter(([key]) => key.includes(' /api/v1'))
    .reduce((sum, [, n]) => sum + n, 0);
}

/** Resident set size of a process in kB, from /proc/<pid>/status (Linux). */
export async function rssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}
