/**
 * `whatalo-mcp sandbox` as a real process: first stdout line is the JSON a script reads,
 * the rest is stderr, signals stop it cleanly, bad flags exit 2. Needs `tsc` first (dist/).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DOCUMENTED_FLAGS } from '../helpers/sandbox.js';

const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli.js');

interface Running {
  child: ChildProcess;
  firstLine: Promise<string>;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];

function run(args: string[]): Running {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx tsc -p .\` before these tests`);
  const child = spawn(process.execPath, [CLI, 'sandbox', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BROWSER: 'none', WHATALO_LOG_LEVEL: 'info' },
  });
  children.push(child);
  let out = '';
  let err = '';
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.on('exit', () => reject(new Error(`exited before a first line; stderr: ${err}`)));
  });
  firstLine.catch(() => {});
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, firstLine, stdout: () => out, stderr: () => err, exit };
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

describe('whatalo-mcp sandbox', () => {
  it('prints one JSON line on stdout, logs on stderr, serves, and stops cleanly on SIGTERM', async () => {
    const sb = run([]);
    const first = JSON.parse(await sb.firstLine) as {
      issuer: string;
      api_base: string;
      merchant: string;
      stores: { id: string; name: string }[];
    };
    expect(Object.keys(first)).toEqual(['issuer', 'api_base', 'merchant', 'stores']);
    expect(first.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.api_base).toBe(`${first.issuer}/api/v1`);
    expect(first.merchant).toMatch(/^usr_/);
    expect(first.stores.length).toBeGreaterThanOrEqual(2);
    for (const store of first.stores) {
      expect(Object.keys(store)).toEqual(['id', 'name']);
      expect(store.id).toMatch(/^str_/);
    }

    const meta = (await (await fetch(`${first.issuer}/.well-known/oauth-authorization-server`)).json()) as { issuer: string };
    expect(meta.issuer).toBe(first.issuer);
    const registration = await fetch(`${first.issuer}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['http://127.0.0.1/cb'], client_name: 'cli test' }),
    });
    const secret = ((await registration.json()) as { client_secret: string }).client_secret;

    sb.child.kill('SIGTERM');
    expect(await sb.exit).toEqual({ code: 0, signal: null });
    expect(sb.stdout()).toBe((await sb.firstLine) + '\n');
    expect(sb.stderr()).toContain(`listening on ${first.issuer}`);
    expect(sb.stderr()).toContain('client registered');
    expect(sb.stderr()).not.toContain(secret);
    // Stopped means stopped: the port no longer answers.
    await expect(fetch(`${first.issuer}/.well-known/oauth-authorization-server`)).rejects.toThrow();
  });

  it('stops cleanly on SIGINT too, and honours --port and --auto-approve first', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const sb = run(['--port', String(port), '--auto-approve', 'first', '--rate-limit', '50']);
    const first = JSON.parse(await sb.firstLine) as { issuer: string; stores: { id: string }[] };
    expect(first.issuer).toBe(`http://127.0.0.1:${port}`);
    const reg = (await (
      await fetch(`${first.issuer}/oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_name: 'cli test', redirect_uris: ['http://127.0.0.1/cb'], token_endpoint_auth_method: 'none' }),
      })
    ).json()) as { client_id: string };
    const url = new URL(`${first.issuer}/oauth/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: reg.client_id,
      redirect_uri: 'http://127.0.0.1/cb',
      scope: 'read:store',
      state: 'x',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    const answer = await fetch(url, { redirect: 'manual' });
    expect(answer.status).toBe(302);
    expect(new URL(answer.headers.get('location')!).searchParams.get('code')).toHaveLength(43);

    sb.child.kill('SIGINT');
    expect(await sb.exit).toEqual({ code: 0, signal: null });
  });

  it('is Whatalo as documented unless AS flags say otherwise; each flag and limit reaches /sandbox/flags', async () => {
    const plain = run([]);
    const base = JSON.parse(await plain.firstLine) as { issuer: string };
    expect(await (await fetch(`${base.issuer}/sandbox/flags`)).json()).toMatchObject(DOCUMENTED_FLAGS);
    plain.child.kill('SIGTERM');
    await plain.exit;

    const flagged = run([
      '--any-loopback-port',
      '--store-hint',
      '--public-introspection',
      '--iss-parameter',
      '--reference-metadata',
      '--localhost-only',
      '--registration-limit',
      '50',
      '--token-limit-ip',
      '500',
      '--token-limit-client',
      '300',
    ]);
    const first = JSON.parse(await flagged.firstLine) as { issuer: string };
    expect(await (await fetch(`${first.issuer}/sandbox/flags`)).json()).toEqual({
      any_loopback_port: true,
      store_hint: true,
      public_introspection: true,
      iss_parameter: true,
      reference_metadata: true,
      localhost_only: true,
      limits: { registrations_per_hour: 50, token_per_minute_per_ip: 500, token_per_minute_per_client: 300 },
    });
    const meta = (await (await fetch(`${first.issuer}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(meta.authorization_response_iss_parameter_supported).toBe(true);
    flagged.child.kill('SIGTERM');
    expect(await flagged.exit).toEqual({ code: 0, signal: null });
    // The operator is told the sandbox is not Whatalo as documented.
    expect(flagged.stderr()).toMatch(/not Whatalo as documented: --any-loopback-port, --store-hint/);
  });

  for (const [args, reason] of [
    [['--registration-limit', '0'], /--registration-limit must be an integer from 1/],
    [['--port', '70000'], /--port must be an integer from 0 to 65535/],
    [['--port', 'abc'], /--port must be an integer/],
    [['--port', '-1'], /--port/],
    [['--auto-approve', 'str_nope'], /--auto-approve names no store/],
    [['--host', '0.0.0.0'], /--host must be a loopback address/],
    [['--rate-limit', '0'], /--rate-limit must be an integer from 1/],
    [['--bogus'], /Unknown option '--bogus'/],
  ] as const) {
    it(`exits 2 with a one-line reason for ${args.join(' ')}`, async () => {
      const sb = run([...args]);
      const { code } = await sb.exit;
      expect(code).toBe(2);
      expect(sb.stdout()).toBe('');
      const lines = sb.stderr().trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(reason);
    });
  }

  it('exits 2 when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      const sb = run(['--port', String(port)]);
      expect((await sb.exit).code).toBe(2);
      expect(sb.stderr()).toMatch(new RegExp(`port ${port} on 127.0.0.1 is already in use`));
      expect(sb.stdout()).toBe('');
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});
