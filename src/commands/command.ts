/**
 * The shape of a subcommand. `src/cli.ts` parses flags with node's `util.parseArgs`
 * (strict: an unknown flag is an error) and hands the values here.
 */
import type { ParseArgsConfig } from 'node:util';
import { escapeControls } from '../safe-text.js';

export type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  env: NodeJS.ProcessEnv;
  /** Machine output (JSON, the MCP protocol for `serve`). */
  stdout: NodeJS.WritableStream;
  /** Everything a person reads. */
  stderr: NodeJS.WritableStream;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The usage block for `--help`, without the leading "Usage:". */
  usage: string;
  options: ParseArgsOptionsConfig;
  /** How many positionals are allowed (default 0). */
  maxPositionals?: number;
  /** Resolves to the exit code. Throw WhataloError for anything a person can act on. */
  run(ctx: CommandContext): Promise<number>;
}

/** Options every command that talks to Whatalo accepts. */
export const CONNECTION_OPTIONS = {
  issuer: { type: 'string' },
  'api-base': { type: 'string' },
} as const satisfies ParseArgsOptionsConfig;

/** The account commands (login, status, logout) also manage a remote MCP server's grant, and name the API's resource (CONTRACT AC1). */
export const ACCOUNT_OPTIONS = {
  ...CONNECTION_OPTIONS,
  resource: { type: 'string' },
  remote: { type: 'string' },
} as const satisfies ParseArgsOptionsConfig;

/**
 * `--scopes` in every command's help (login, serve, call): one text, since config reads the flag
 * the same way everywhere (spaces or commas, WHATALO_SCOPES as the default).
 */
export const SCOPES_HELP = `  --scopes "s1 s2"      the scopes to ask for at sign-in, separated by spaces or commas (default:
                        WHATALO_SCOPES, else the read scopes of the enabled tools; write scopes
                        are asked for the first time a write tool runs)`;

/** A string flag's value, or undefined when it was not given. */
export function stringFlag(ctx: Pick<CommandContext, 'values'>, name: string): string | undefined {
  const value = ctx.values[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * A command's result for a person, on stdout so `whatalo-mcp status | grep store` works
 * (diagnostics and progress stay on stderr). What it quotes from Whatalo (a store name) may
 * not bring a control character to the terminal.
 */
export function printResult(ctx: Pick<CommandContext, 'stdout'>, text: string): void {
  ctx.stdout.write(escapeControls(text, { keepNewlines: true }) + '\n');
}
