/**
 * The real stdio server (`node dist/cli.js serve`, spawned) under what a host or a runaway
 * model can send: one 11 MiB line is dropped with a warning and the next request is still
 * answered (the SDK alone closes the session past its 10 MiB buffer); a thousand requests
 * answered into a stdout pipe nobody reads for a while all arrive, without a
 * MaxListenersExceededWarning for `drain`; answers already made are written when the host closes stdin.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnCli } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';

let offline: Record<string, string>;
beforeAll(async () => {
  const port = await freePort();
  offline = { WHATALO_ISSUER: `http://127.0.0.1:${port}`, WHATALO_API_BASE: `http://127.0.0.1:${port}/api/v1` };
});

const message = (value: object) => JSON.stringify({ jsonrpc: '2.0', ...value }) + '\n';
const INITIALIZE = message({
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '0' } },
});
const INITIALIZED = message({ method: 'notifications/initialized' });

/** Resolves once stdout holds answers for every id in `ids`. */
function answers(run: ReturnType<typeof spawnCli>, ids: Set<number>): Promise<void> {
  let text = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`answers missing; stderr:\n${run.stderr()}`)), 40_000);
    run.child.stdout!.on('data', (chunk: string) => {
      text += chunk;
      const lines = text.split('\n');
      text = lines.pop()!;
      for (const line of lines) ids.delete((JSON.parse(line) as { id: number }).id);
      if (ids.size === 0) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

describe('serve over stdio stays up and quiet under hostile input', () => {
  it('drops an 11 MiB line with a warning and answers the next request', async () => {
    const run = spawnCli(['serve'], { env: offline });
    try {
      const answered = answers(run, new Set([1, 3]));
      run.write(INITIALIZE + INITIALIZED);
      const huge = message({ id: 2, method: 'tools/call', params: { name: 'get_store', arguments: { padding: 'x'.repeat(11 * 1024 * 1024) } } });
      run.write(huge);
      run.write(message({ id: 3, method: 'tools/list' }));
      await answered;
      await run.waitForStderr(/ignored a stdin message of \d+ bytes/);
      // SIGTERM still stops it: the gate in front of the transport must not hold stdin open.
      run.kill();
      expect((await run.result).code, 'exit code after SIGTERM (null: killed after 45 s)').not.toBeNull();
    } finally {
      run.child.stdin!.end();
      await run.result;
    }
  });

  it('answers 1,000 requests into a congested stdout with one wait for drain, not 1,000', async () => {
    const run = spawnCli(['serve'], { env: offline });
    try {
      const ids = new Set(Array.from({ length: 1000 }, (_, i) => i + 10));
      const answered = answers(run, new Set([1, ...ids]));
      // Nobody reads stdout for a moment: the pipe fills and writes must wait.
      run.child.stdout!.pause();
      run.write(INITIALIZE + INITIALIZED + [...ids].map((id) => message({ id, method: 'tools/list' })).join(''));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      run.child.stdout!.resume();
      await answered;
      expect(run.stderr()).not.toMatch(/MaxListenersExceededWarning/);
    } finally {
      // A host that closes stdin means stop.
      run.child.stdin!.end();
      await run.result;
    }
  });

  it('a host that sends its requests and closes stdin at once still gets every answer, in order', async () => {
    const run = spawnCli(['serve'], { env: offline });
    const ids = Array.from({ length: 50 }, (_, i) => i + 10);
    let out = '';
    run.child.stdout!.on('data', (chunk: string) => (out += chunk));
    // Answers are written in batches, one per event-loop turn: closing must not drop a batch.
    run.write(INITIALIZE + INITIALIZED + ids.map((id) => message({ id, method: 'ping' })).join(''));
    run.child.stdin!.end();
    const { code } = await run.result;
    expect(code).toBe(0);
    const answered = out
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { id: number }).id);
    expect(answered).toEqual([1, ...ids]);
  });
});
