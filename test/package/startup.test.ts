/**
 * What the bundle loads before a host's `initialize` and `tools/list` are answered: the files
 * of the spawned server, recorded by a module hook, mapped to their sources through the
 * build's metafile. OAuth, the sandbox, the tool records, the HTTP server, the browser opener
 * and Redis must wait for first use; and no package is read from node_modules at start.
 * Also: a stack through the bundle points at src/ under --enable-source-maps.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_PATH } from '../helpers/mcp.js';
import { DIST, bundleMeta, inputsOf } from './bundle.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RECORD_LOADS = fileURLToPath(new URL('./fixtures/record-loads.mjs', import.meta.url));

/** Sources that only a tool call, another command or another transport needs. */
const LAZY = [
  /^node_modules\/(oauth4webapi|open|redis|@redis\/[^/]+)\//,
  /^src\/(auth|sandbox|remote)\//,
  /^src\/server\/(call\.ts|http\/)/,
  /^src\/tools\/(store|products|categories|inventory|customers|orders|index)\.ts$/,
  /^src\/commands\/(embedded|demo|sandbox|call|login|logout|status|tools)\.ts$/,
];

describe('start-up of the bundled server', () => {
  let dir: string;
  let loaded: string[];
  let tools: number;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'whatalo-startup-'));
    const loadsFile = path.join(dir, 'loads.txt');
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--import', RECORD_LOADS, CLI_PATH, 'serve'],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        WHATALO_CONFIG_DIR: dir,
        WHATALO_CREDENTIAL_STORE: 'memory',
        BROWSER: 'none',
        WHATALO_LOADS_FILE: loadsFile,
      },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'whatalo-mcp-test', version: '0.0.0' });
    await client.connect(transport);
    tools = (await client.listTools()).tools.length;
    await client.close();
    const root = pathToFileURL(ROOT).href;
    loaded = readFileSync(loadsFile, 'utf8')
      .trim()
      .split('\n')
      .filter((url) => url !== pathToFileURL(RECORD_LOADS).href)
      .map((url) => (url.startsWith(root) ? url.slice(root.length) : url));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers tools/list from bundle files alone, nothing from node_modules', () => {
    expect(tools).toBeGreaterThan(0);
    expect(loaded.filter((f) => !f.startsWith('dist/'))).toEqual([]);
    expect(loaded[0]).toBe('dist/cli.js');
  });

  it('loads no code that only a tool call, another command or another transport needs', () => {
    const early = inputsOf(loaded).filter((input) => LAZY.some((p) => p.test(input)));
    expect(early).toEqual([]);
  });

  it('keeps what it did not load in the bundle, for first use', () => {
    const all = inputsOf(Object.keys(bundleMeta().outputs));
    for (const p of LAZY)
      expect(
        all.some((input) => p.test(input)),
        String(p),
      ).toBe(true);
  });
});

describe('source maps', () => {
  it('point a stack through the bundle at src/ under --enable-source-maps', () => {
    const [chunk] = Object.entries(bundleMeta().outputs).find(([, o]) => o.entryPoint === 'src/server/stdio.ts') ?? [];
    expect(chunk).toBeDefined();
    const script = `const { lineGate } = await import(${JSON.stringify(new URL(path.relative('dist', chunk!), DIST).href)});
      try { lineGate(0, () => {}, () => { throw new Error('dropped'); })(Buffer.from('ab\\n')); } catch (error) { console.log(error.stack); }`;
    const stack = execFileSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(stack).toMatch(/src[/\\]server[/\\]stdio\.ts:\d+/);
    expect(stack).not.toMatch(/dist[/\\]chunks/);
  });
});
