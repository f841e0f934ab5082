/**
 * Showing the authorization URL to the person. The URL is always printed to stderr first, so
 * a headless or SSH session can open it elsewhere; then a browser is launched if one is
 * configured. The launcher can never write to stdout (stdout is the MCP protocol) and can
 * never crash us: every failure ends in "printed".
 *
 * The URL is written raw, not through the logger: the logger masks 43-character token shapes,
 * and the PKCE code_challenge (and often `state`) has exactly that shape, so a redacted URL
 * would not work when pasted. The authorization request URL carries no token.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Logger } from '../log.js';

export interface PresentOptions {
  /** `BROWSER`: unset → the system default browser; 'none' → print only; else a command. */
  browser: string | undefined;
  logger: Logger;
  /** Where the URL line goes; stderr by default. */
  write?: (line: string) => void;
  /** How long to watch the launcher for a failing exit before trusting it (default LAUNCH_WATCH_MS). */
  watchMs?: number;
}

/**
 * A launcher that fails says so within this long: xdg-open with no browser exits 3 in a few
 * milliseconds. One still running after it is a browser that stays open (BROWSER=firefox, or
 * xdg-open's generic mode waiting on one): that is success, and we stop watching so it never
 * blocks the sign-in.
 */
export const LAUNCH_WATCH_MS = 2000;

/** Why a launch did not open anything; undefined when it did (or is still running). */
type LaunchFailure = string | undefined;

/**
 * Shows url to the person: always prints it to stderr, then opens it per BROWSER (unset → system browser, 'none' → print only, else that command with the URL
 * as last argument). A launcher that cannot start or exits non-zero (xdg-open's 3 when no
 * browser is found) is reported on stderr with the URL again. Never throws.
 */
export async function presentAuthorizationUrl(url: string, options: PresentOptions): Promise<'opened' | 'printed'> {
  const write = options.write ?? ((line: string) => void process.stderr.write(line + '\n'));
  write(`To sign in to Whatalo, open this URL in your browser:\n\n  ${url}\n`);
  const browser = options.browser?.trim();
  const watchMs = options.watchMs ?? LAUNCH_WATCH_MS;
  const what = browser || 'the system browser';
  let failure: LaunchFailure;
  try {
    if (browser === 'none') return 'printed';
    failure = browser ? await runCommand(browser, url, watchMs) : await openDefault(url, watchMs);
  } catch (error) {
    options.logger.debug('could not launch a browser', { error });
    failure = 'it could not be started';
  }
  if (failure === undefined) return 'opened';
  options.logger.warn(`Could not open ${what} (${failure}); open the URL above yourself.`);
  // Repeated after the warning so the URL is the last thing on screen, easy to find and copy.
  write(`\nThe browser did not open. Open this URL yourself to sign in:\n\n  ${url}\n`);
  return 'printed';
}

/**
 * Resolves with the failure once the launcher exits non-zero or by a signal, or undefined when
 * it exits 0 or is still running after watchMs (then it is let go: unref'd, never awaited).
 */
function watchLaunch(child: ChildProcess, watchMs: number): Promise<LaunchFailure> {
  return new Promise((resolve) => {
    const settle = (failure: LaunchFailure) => {
      clearTimeout(timer);
      child.unref();
      resolve(failure);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      settle(code === 0 ? undefined : code !== null ? `its launcher exited with status ${code}` : `its launcher was killed by ${signal}`);
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      settle(undefined);
    }, watchMs);
    // Post-spawn errors must not become an uncaught 'error' event.
    child.on('error', () => {});
    if (child.exitCode !== null || child.signalCode !== null) onExit(child.exitCode, child.signalCode);
    else child.once('exit', onExit);
  });
}

/**
 * Runs BROWSER the traditional way: words split on whitespace, the URL appended as the last
 * argument, no shell (the URL never meets shell parsing), stdio ignored, detached.
 */
function runCommand(browser: string, url: string, watchMs: number): Promise<LaunchFailure> {
  const [command, ...args] = browser.split(/\s+/);
  if (!command) return Promise.resolve('BROWSER is empty');
  return new Promise((resolve) => {
    const child = spawn(command, [...args, url], { stdio: 'ignore', detached: true, shell: false });
    child.once('error', () => resolve('it could not be started'));
    child.once('spawn', () => resolve(watchLaunch(child, watchMs)));
  });
}

/**
 * The system browser through the `open` package, loaded lazily. `open` resolves once its
 * launcher (xdg-open, open, start) has spawned and never looks at its exit status, so the
 * launcher is watched here.
 */
async function openDefault(url: string, watchMs: number): Promise<LaunchFailure> {
  const { default: open } = await import('open');
  return watchLaunch(await open(url), watchMs);
}
