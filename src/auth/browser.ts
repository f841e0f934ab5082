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
import { spawn } from 'node:child_process';
import type { Logger } from '../log.js';

export interface PresentOptions {
  /** `BROWSER`: unset → the system default browser; 'none' → print only; else a command. */
  browser: string | undefined;
  logger: Logger;
  /** Where the URL line goes; stderr by default. */
  write?: (line: string) => void;
}

/**
 * Shows url to the person: always prints it to stderr, then opens it per BROWSER (unset → system browser, 'none' → print only, else that command with the URL
 * as last argument). Never throws.
 */
export async function presentAuthorizationUrl(url: string, options: PresentOptions): Promise<'opened' | 'printed'> {
  const write = options.write ?? ((line: string) => void process.stderr.write(line + '\n'));
  write(`To sign in to Whatalo, open this URL in your browser:\n\n  ${url}\n`);
  const browser = options.browser?.trim();
  try {
    if (browser === 'none') return 'printed';
    if (browser) return (await runCommand(browser, url)) ? 'opened' : fallback(options.logger, browser);
    return (await openDefault(url)) ? 'opened' : fallback(options.logger, 'the system browser');
  } catch (error) {
    options.logger.debug('could not launch a browser', { error });
    return fallback(options.logger, browser || 'the system browser');
  }
}

function fallback(logger: Logger, what: string): 'printed' {
  logger.warn(`Could not open ${what}; open the URL above yourself.`);
  return 'printed';
}

/**
 * Runs BROWSER the traditional way: words split on whitespace, the URL appended as the last
 * argument, no shell (the URL never meets shell parsing), stdio ignored, detached.
 * Resolves true once the process has started.
 */
function runCommand(browser: string, url: string): Promise<boolean> {
  const [command, ...args] = browser.split(/\s+/);
  if (!command) return Promise.resolve(false);
  return new Promise((resolve) => {
    const child = spawn(command, [...args, url], { stdio: 'ignore', detached: true, shell: false });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}

/** The system browser through the `open` package; loaded lazily, and every failure is false. */
async function openDefault(url: string): Promise<boolean> {
  const { default: open } = await import('open');
  const child = await open(url);
  // Post-spawn errors on the launcher must not become an uncaught 'error' event.
  child.on('error', () => {});
  return true;
}
