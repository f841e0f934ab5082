/**
 * Every answer the product reads is bounded in time and size, on every endpoint kind: API v1,
 * and the authorization server's discovery, registration, token, introspection and
 * revocation. A hostile node:http server on 127.0.0.1 hangs, drips one byte a second, pours
 * an endless body, declares 100 MiB, or redirects; the requests run in a child process under
 * `node --expose-gc` with a collection forced every 50 ms (Node 20's undici loses an abort
 * listener once its signal is collected, and then a timeout never fires). Each request must
 * end within its deadline plus a second with a message that says what happened, and the
 * child's peak RSS stays under 200 MB.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suiteFigures } from '../helpers/figures.js';
import { type HostileServer, startHostileServer } from '../helpers/hostile-http.js';

const figures = suiteFigures('security/bounded-answers');
const CHILD = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/bounded-requests.mjs');
const TIMEOUT_MS = 2000;
const MAX_RSS_BYTES = 200 * 1024 * 1024;

interface Line {
  behaviour: string;
  ok: boolean;
  code?: string;
  text?: string;
  elapsedMs: number;
}

let hostile: HostileServer;
beforeAll(async () => {
  hostile = await startHostileServer();
});
afterAll(() => hostile.close());

/** Runs the child for one endpoint kind; a child that outlives 30 s is killed, and the test fails on what it printed. */
function run(endpoint: string): Promise<{ lines: Line[]; maxRssBytes: number | undefined; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', CHILD, hostile.base, endpoint, String(TIMEOUT_MS)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', () => {
      clearTimeout(killer);
      const parsed = stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Line & { maxRssBytes?: number });
      const rss = parsed.find((l) => l.maxRssBytes !== undefined)?.maxRssBytes;
      resolve({ lines: parsed.filter((l) => l.maxRssBytes === undefined), maxRssBytes: rss, stderr });
    });
  });
}

const EXPECTED: Record<string, RegExp> = {
  hang: /no answer within 2 s/,
  drip: /no answer within 2 s/,
  endless: /exceeded \d+ bytes/,
  huge: /exceeded \d+ bytes/,
  redirect: /redirect \(HTTP 302\)/,
  inflate: /exceeded \d+ bytes/,
};

const ENDPOINTS: [string, RegExp][] = [
  ['api', /the answer from Whatalo's API \(GET \/store\)|Whatalo is unreachable/i],
  ['discovery', /while reading its metadata/],
  ['registration', /while registering this app/],
  ['token', /while refreshing the access token/],
  ['introspection', /while checking the access token/],
  ['revocation', /while revoking tokens/],
];

describe('a hostile server cannot hold or flood a request', () => {
  it.each(ENDPOINTS)('%s: hang, drip, endless, huge, redirect and inflate each end in time with a clear message', async (endpoint, where) => {
    const { lines, maxRssBytes, stderr } = await run(endpoint);
    const seen = lines.map((l) => l.behaviour);
    expect(seen, `the child stopped after ${seen.join(', ') || 'nothing'} (it hung)\n${stderr}`).toEqual(Object.keys(EXPECTED));
    for (const line of lines) {
      const said = `${line.behaviour}: ${line.code} ${line.text}`;
      expect(line.ok, said).toBe(false);
      expect(line.text, said).toMatch(EXPECTED[line.behaviour]!);
      expect(line.text, said).toMatch(where);
      expect(line.text, said).not.toMatch(/JSON|internal error|please report/i);
      expect(line.elapsedMs, said).toBeLessThan(TIMEOUT_MS + 1000);
      if (line.behaviour === 'hang' || line.behaviour === 'drip') figures.add('timeoutsFiredUnderGc');
      if (line.behaviour === 'endless' || line.behaviour === 'huge' || line.behaviour === 'inflate') figures.add('bodiesCapped');
    }
    expect(maxRssBytes, 'peak RSS of the child').toBeLessThan(MAX_RSS_BYTES);
  });
});
