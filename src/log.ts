/**
 * The human channel: everything a person reads goes to stderr, because stdout is the MCP
 * protocol. Levels from WHATALO_LOG_LEVEL. As a last line of defence, anything shaped like
 * a Whatalo token (43 base64url characters, CONTRACT A9) is masked before it is written:
 * code must never log a token, and this makes a slip visible instead of a leak. Control
 * characters are escaped too: a log line quotes remote text, and a terminal obeys ESC.
 */
import { escapeControls } from './safe-text.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

const LEVELS: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };
// The authorization request's `state` and `code_challenge` have the same shape but travel
// through the browser by design (RFC 7636 §4.3): masking them would break the sign-in link
// that error messages and logs must show a person on a headless machine.
const TOKEN_SHAPE = /(?<![A-Za-z0-9_-])(?<![?&](?:state|code_challenge)=)[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;

export interface Logger {
  error(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  info(message: string, context?: Record<string, unknown>): void;
  debug(message: string, context?: Record<string, unknown>): void;
}

/** Masks token-shaped substrings. Exported for tests and for text that leaves the process. */
export function redact(text: string): string {
  return text.replace(TOKEN_SHAPE, '[redacted]');
}

/** A character of TOKEN_SHAPE's run: A-Z, a-z, 0-9, '_' and '-'. */
function isTokenChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2d;
}

/** What escapeControls() escapes, newline aside: C0, DEL and C1, and the bidirectional overrides. */
function isControl(c: number): boolean {
  return c < 0x20 ? c !== 0x0a : c >= 0x7f && (c <= 0x9f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069));
}

/**
 * True when `text` holds neither a control character (a newline aside) nor a run of 43 token
 * characters, so that `redact(escapeControls(text, { keepNewlines: true }))` is `text` itself
 * (test/log.test.ts holds the two to each other). One pass over the characters: a tool result
 * almost never has anything to mask, and its four regex passes (two texts, masked and escaped)
 * were ~7 µs of a call's ~190 µs of server CPU at concurrency 1 (bench/ab-builds.mjs).
 */
export function isPlainText(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isTokenChar(c)) {
      if (++run === 43) return false;
    } else if (isControl(c)) return false;
    else run = 0;
  }
  return true;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; stderr by default. Tests pass a collector. */
  write?: (line: string) => void;
  /** A prefix naming the component, e.g. "whatalo-mcp" or "sandbox". */
  name?: string;
  /** `json`: one object per line (time, level, name, msg, context), for a log collector (HTTP mode). */
  format?: 'text' | 'json';
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = LEVELS[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const prefix = options.name ? `[${options.name}] ` : '';
  const emit = (level: LogLevel) => (message: string, context?: Record<string, unknown>) => {
    if (LEVELS[level] > threshold) return;
    if (options.format === 'json') {
      write(redact(safeJson({ time: new Date().toISOString(), level, ...(options.name ? { name: options.name } : {}), msg: message, ...context })));
      return;
    }
    const tail = context && Object.keys(context).length > 0 ? ' ' + safeJson(context) : '';
    write(redact(escapeControls(`${prefix}${level === 'info' ? '' : level + ': '}${message}${tail}`)));
  };
  return { error: emit('error'), warn: emit('warn'), info: emit('info'), debug: emit('debug') };
}

/** A logger that drops everything; for library callers and tests that do not care. */
export const silentLogger: Logger = createLogger({ write: () => {} });

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (v instanceof Error ? { name: v.name, message: v.message } : v));
  } catch {
    return '[unserializable]';
  }
}
