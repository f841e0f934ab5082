/**
 * What some suites need from the machine (Debian chromium, redis-server, a Secret Service,
 * Linux), in one place. A suite whose need is missing is skipped with the reason in its
 * metadata, and test/skip-reporter.ts prints one line per skipped suite with that reason, so
 * `npm test` says what did not run and why. CI sets WHATALO_TEST_REQUIRE_<NAME>=1, which turns
 * a missing need into a failure instead.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';
import { REDIS_SERVER } from './redis.js';

declare module 'vitest' {
  interface TaskMeta {
    /** Why this suite or test was skipped; printed by test/skip-reporter.ts. */
    skipReason?: string;
  }
}

export interface Requirement {
  /** What is missing and how to get it; undefined when the machine has it. */
  readonly missing: string | undefined;
  /** True when CI asks for it (WHATALO_TEST_REQUIRE_<NAME>=1): missing is then a failure. */
  readonly required: boolean;
}

function requirement(missing: string | undefined, requireVariable?: string): Requirement {
  const required = requireVariable !== undefined && process.env[requireVariable] === '1';
  const how = requireVariable ? ` (CI sets ${requireVariable}=1 to fail instead)` : '';
  return { missing: missing === undefined ? undefined : `${missing}${how}`, required };
}

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM = requirement(
  existsSync(CHROMIUM_PATH) ? undefined : `${CHROMIUM_PATH} is absent (apt install chromium)`,
  'WHATALO_TEST_REQUIRE_CHROMIUM',
);
export const REDIS = requirement(existsSync(REDIS_SERVER) ? undefined : `${REDIS_SERVER} is absent (apt install redis-server)`, 'WHATALO_TEST_REQUIRE_REDIS');
export const LINUX = requirement(process.platform === 'linux' ? undefined : `runs on Linux only (this is ${process.platform})`);

function onPath(command: string): boolean {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
}

const SECRET_SERVICE_TOOLS = ['dbus-run-session', 'gnome-keyring-daemon', 'gdbus'];
/** A private Secret Service: dbus-run-session, gnome-keyring-daemon and gdbus (Linux only). */
export const SECRET_SERVICE = requirement(
  process.platform !== 'linux'
    ? `runs on Linux only (this is ${process.platform})`
    : SECRET_SERVICE_TOOLS.some((c) => !onPath(c))
      ? `missing ${SECRET_SERVICE_TOOLS.filter((c) => !onPath(c)).join(', ')} (apt install dbus gnome-keyring libglib2.0-bin)`
      : undefined,
  'WHATALO_TEST_REQUIRE_KEYCHAIN',
);

/** `describe`, skipped with its reason when `need` is missing, failing when CI requires it. */
export function describeWith(need: Requirement, name: string, body: () => void): void {
  if (need.missing === undefined) describe(name, body);
  else if (need.required) {
    describe(name, () => {
      it('has what it needs', () => {
        throw new Error(`required but missing: ${need.missing}`);
      });
    });
  } else describe(name, { skip: true, meta: { skipReason: need.missing } }, body);
}

/** `it`, likewise. */
export function itWith(need: Requirement, name: string, body: () => Promise<void> | void, timeout?: number): void {
  if (need.missing === undefined) return void it(name, body, timeout);
  if (need.required) {
    return void it(name, () => {
      throw new Error(`required but missing: ${need.missing}`);
    });
  }
  it(name, { skip: true, meta: { skipReason: need.missing } }, body);
}
