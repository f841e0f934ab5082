/**
 * Runs the real CLI (`node dist/cli.js …`, the bundle `npm run build` writes, as packed) as a
 * user would: its own process, an explicit environment (nothing inherited that could reach the
 * real keychain, a real browser or the real Whatalo), captured stdout/stderr and exit code.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli.js');

export interface CliResult {
  /** Exit code; null when killed by a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Added to a minimal environment (PATH, HOME, LANG). Defaults: BROWSER=none, WHATALO_CREDENTIAL_STORE=memory. */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed; when absent stdin stays open (see CliRun.write). */
  input?: string;
  /** Kills the process after this long (default 45 s) so a hung CLI fails the test instead of the run. */
  timeoutMs?: number;
}

export interface CliRun {
  child: ChildProcess;
  /** Resolves when the process exits. */
  result: Promise<CliResult>;
  /** What it wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the first match of `pattern` in stderr (rejects after timeoutMs or at exit without a match). */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  write(text: string): void;
  /** Sends SIGTERM if the process is still running. */
  kill(): void;
}

function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C.UTF-8',
    BROWSER: 'none',
    WHATALO_CREDENTIAL_STORE: 'memory',
  };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Starts `node dist/cli.js ...args`; the caller awaits `result`. */
export function spawnCli(args: string[], options: CliOptions = {}): CliRun {
  const child = spawn(process.execPath, [CLI_PATH, ...args], { env: baseEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const listener of listeners) listener();
  });
  if (options.input !== undefined) child.stdin!.end(options.input);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
  const result = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      for (const listener of listeners) listener();
      resolve({ code, stdout, stderr });
    });
  });
  let exited = false;
  void result.finally(() => (exited = true));
  return {
    child,
    result,
    stderr: () => stderr,
    waitForStderr(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = stderr.match(pattern);
          if (match) return finish(() => resolve(match));
          if (exited || child.exitCode !== null) return finish(() => reject(new Error(`the CLI exited before stderr matched ${pattern}:\n${stderr}`)));
        };
        const timeout = setTimeout(() => finish(() => reject(new Error(`stderr did not match ${pattern} within ${timeoutMs} ms:\n${stderr}`))), timeoutMs);
        const finish = (action: () => void) => {
          clearTimeout(timeout);
          listeners.delete(check);
          action();
        };
        listeners.add(check);
        check();
      });
    },
    write(text) {
      child.stdin!.write(text);
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}

/** Runs the CLI to completion. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return spawnCli(args, { ...options, input: options.input ?? '' }).result;
}
