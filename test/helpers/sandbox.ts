/**
 * An in-process sandbox on 127.0.0.1:0 with a silent logger, plus the controls tests use.
 * Close it in afterAll/afterEach: `await sb.close()`, or let useTestSandbox do both.
 */
import { afterAll, beforeAll } from 'vitest';
import { ENGLISH } from '../../src/i18n/index.js';
import { silentLogger } from '../../src/log.js';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/sandbox/index.js';

/**
 * AS rate limits high enough for a suite that registers or signs in many times from one IP;
 * `startTestSandbox({ limits: RELAXED_LIMITS })`. The default stays Whatalo's (CONTRACT A5, A8).
 */
/** What GET /sandbox/flags answers by default: every generous flag off, Whatalo's own limits (CONTRACT AC6). */
export const DOCUMENTED_FLAGS = {
  any_loopback_port: false,
  store_hint: false,
  public_introspection: false,
  iss_parameter: false,
  reference_metadata: false,
  localhost_only: false,
  limits: { registrations_per_hour: 10, token_per_minute_per_ip: 60, token_per_minute_per_client: 30 },
} as const;

export const RELAXED_LIMITS = { registrationsPerHour: 100_000, tokenPerMinutePerIp: 100_000, tokenPerMinutePerClient: 100_000 } as const;

/** The AS flags and limits as GET/POST /sandbox/flags show them. */
export interface SandboxFlags {
  any_loopback_port: boolean;
  store_hint: boolean;
  public_introspection: boolean;
  iss_parameter: boolean;
  reference_metadata: boolean;
  localhost_only: boolean;
  limits: { registrations_per_hour: number; token_per_minute_per_ip: number; token_per_minute_per_client: number };
}

export interface SandboxStats {
  requests: Record<string, number>;
  grants: { authorization_code: number; refresh_token: number };
  exchanges: number;
  introspections: number;
  refreshes: number;
  registrations: number;
  revocations: number;
}

export interface SandboxGrant {
  id: string;
  client_id: string;
  merchant: string;
  store_id: string;
  scope: string;
  revoked: boolean;
  tokens: { sha256: string; kind: 'access' | 'refresh'; active: boolean; expires_at: string }[];
}

export interface TestSandbox extends Sandbox {
  stats(): Promise<SandboxStats>;
  grants(): Promise<SandboxGrant[]>;
  /** Moves the sandbox clock forward; resolves to the new time in ms. */
  advanceClock(seconds: number): Promise<number>;
  /** CONTRACT A15: the merchant disconnects the app from the store; resolves to grants revoked. */
  disconnect(clientId: string, storeId: string): Promise<number>;
  resetStats(): Promise<void>;
  /** How /oauth/authorize behaves from now on (auto-approval for a store or the consent page; the store hint honoured or ignored). */
  authorization(mode: { auto_approve?: string | null; store_hint?: 'honour' | 'ignore' }): Promise<void>;
  /** Changes the AS's generous flags and rate limits (CONTRACT AC6); resolves to all of them. */
  flags(patch: Partial<Omit<SandboxFlags, 'limits'>> & { limits?: Partial<SandboxFlags['limits']> }): Promise<SandboxFlags>;
}

async function control<T>(sandbox: Sandbox, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${sandbox.issuer}/sandbox/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`sandbox control ${method} /sandbox/${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

export async function startTestSandbox(options: SandboxOptions = {}): Promise<TestSandbox> {
  // Pages in English unless a test asks for a language: the suite's assertions must not depend on the developer's LANG.
  const sandbox = await startSandbox({ logger: silentLogger, locale: ENGLISH, ...options, host: '127.0.0.1', port: options.port ?? 0 });
  return {
    ...sandbox,
    close: () => sandbox.close(),
    stats: () => control<SandboxStats>(sandbox, 'GET', 'stats'),
    grants: async () => (await control<{ grants: SandboxGrant[] }>(sandbox, 'GET', 'grants')).grants,
    advanceClock: async (seconds) => (await control<{ now_ms: number }>(sandbox, 'POST', 'clock', { advance_seconds: seconds })).now_ms,
    disconnect: async (clientId, storeId) =>
      (await control<{ revoked_grants: number }>(sandbox, 'POST', 'disconnect', { client_id: clientId, store_id: storeId })).revoked_grants,
    authorization: async (mode) => {
      await control(sandbox, 'POST', 'authorization', mode);
    },
    resetStats: async () => {
      await control(sandbox, 'POST', 'reset-stats');
    },
    flags: (patch) => control<SandboxFlags>(sandbox, 'POST', 'flags', patch),
  };
}

/**
 * A sandbox for the enclosing suite (the file, or the describe it is called in): started in
 * beforeAll, closed in afterAll. The returned object is empty until beforeAll fills it in, so
 * read it only inside tests and hooks. Hooks registered after this call run with it started,
 * and their afterAll runs before it closes (vitest runs after-hooks in reverse order).
 */
export function useTestSandbox(options: SandboxOptions = {}): TestSandbox {
  const sandbox = {} as TestSandbox;
  beforeAll(async () => {
    Object.assign(sandbox, await startTestSandbox(options));
  });
  // When the start failed there is nothing to close, and beforeAll already reported why.
  afterAll(() => sandbox.close?.());
  return sandbox;
}
