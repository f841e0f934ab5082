/**
 * Shared pieces of the broker suites: temp config dirs, a Config and a CLI environment
 * pointing at a test sandbox, and a "person" who follows an authorization URL the way a
 * browser does when the sandbox approves at once.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as oauth from 'oauth4webapi';
import { afterAll } from 'vitest';
import { type Registration, nativeClientMetadata, preferredAuthMethod, registerClient } from '../../src/auth/registration.js';
import { type Config, loadConfig } from '../../src/config.js';
import { RELAXED_LIMITS, type TestSandbox, useTestSandbox } from '../helpers/sandbox.js';

export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
/** BROWSER that follows the URL with fetch (sandbox in auto-approve mode). */
export const FETCH_BROWSER = `${process.execPath} ${path.join(FIXTURES, 'browser-fetch.mjs')}`;
/** BROWSER that drives the real consent page in headless chromium. */
export const CHROMIUM_BROWSER = `${process.execPath} ${path.join(FIXTURES, 'browser-chromium.mjs')}`;

const made: string[] = [];

export async function tempDir(prefix = 'whatalo-auth-'): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every temp dir made so far (call in afterAll). */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
}

/**
 * The suite's sandbox, approving the first store at once so a fetch "browser" completes
 * sign-in; after all tests it is closed and every temp dir made is removed.
 */
export function useApprovingSandbox(): TestSandbox {
  afterAll(removeTempDirs);
  return useTestSandbox({ autoApprove: 'first', limits: RELAXED_LIMITS });
}

/** The environment a CLI run or a Config needs to talk to `sandbox` with its own config dir. */
export function sandboxEnv(sandbox: TestSandbox, configDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    WHATALO_ISSUER: sandbox.issuer,
    WHATALO_API_BASE: sandbox.apiBase,
    WHATALO_CONFIG_DIR: configDir,
    WHATALO_CREDENTIAL_STORE: 'file',
    WHATALO_CREDENTIAL_KEY: 'test passphrase for the credential file',
    BROWSER: 'none',
    WHATALO_LOG_LEVEL: 'debug',
    ...extra,
  };
}

export function sandboxConfig(sandbox: TestSandbox, configDir: string, extra: Record<string, string> = {}): Config {
  return loadConfig(sandboxEnv(sandbox, configDir, { WHATALO_CREDENTIAL_STORE: 'memory', ...extra }));
}

export interface BrowserVisit {
  /** The last URL reached (the loopback callback, with code, state and iss). */
  final: string;
  status: number;
  body: string;
}

/** Follows `url` through redirects like a browser (the sandbox must auto-approve). */
export async function followLikeBrowser(url: string, stopAt?: (url: URL) => boolean): Promise<BrowserVisit> {
  let next = url;
  for (let hop = 0; hop < 10; hop++) {
    if (stopAt?.(new URL(next))) return { final: next, status: 0, body: '' };
    const response = await fetch(next, { redirect: 'manual' });
    const location = response.headers.get('location');
    const body = await response.text();
    if (response.status >= 300 && response.status < 400 && location) {
      next = new URL(location, next).href;
      continue;
    }
    return { final: next, status: response.status, body };
  }
  throw new Error(`too many redirects from ${url}`);
}

/** The authorization URL printed on stderr by presentAuthorizationUrl. */
export function printedUrl(stderr: string): string | undefined {
  return /(https?:\/\/\S+\/oauth\/authorize\?\S+)/.exec(stderr)?.[1];
}

/** Log lines collected for the leak sweep. */
export function collectingLogger() {
  const lines: string[] = [];
  const write = (line: string) => void lines.push(line);
  return { lines, write };
}

/**
 * An AccessContext whose "person" approves in a browser at once (the sandbox must
 * auto-approve). Like a host's URL elicitation, presentUrl resolves once the link is shown,
 * not when the browser is done; the visit goes on meanwhile.
 */
export const approvingPerson = {
  visits: [] as Promise<BrowserVisit>[],
  presentUrl: async (url: string) => {
    approvingPerson.visits.push(followLikeBrowser(url));
  },
};

/** POST /sandbox/faults (the reliability controls); an empty list clears them. */
export async function setFaults(sandbox: TestSandbox, faults: Record<string, unknown>[]): Promise<void> {
  const response = await fetch(`${sandbox.issuer}/sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ faults }),
  });
  if (!response.ok) throw new Error(`faults refused: ${await response.text()}`);
}

/** sha256 hex, as /sandbox/grants lists tokens. */
export function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Registers a client with this app's metadata (a fixed loopback port) outside any sign-in, as a test's second client. */
export function registerTestClient(
  as: oauth.AuthorizationServer,
  issuer: URL,
  scope = 'read:store',
  redirectUris = ['http://127.0.0.1:7/callback', 'http://127.0.0.1:1/callback'],
): Promise<Registration> {
  return registerClient(
    as,
    issuer,
    {},
    nativeClientMetadata({
      redirect_uris: redirectUris,
      token_endpoint_auth_method: preferredAuthMethod(as, issuer),
      scope,
    }),
  );
}

/** A loopback port nothing listens on right now (bound, then released). */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
