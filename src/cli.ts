#!/usr/bin/env node
/**
 * Entry point: `whatalo-mcp [command] [flags]`. With no command it serves MCP over stdio,
 * which is what a desktop host launches. stdout is the protocol there, so everything a
 * person reads goes to stderr; machine output of other commands goes to stdout.
 *
 * Exit codes: 0 ok, 1 failed, 2 usage or configuration error.
 */
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { isWhataloError } from './errors.js';
import { type Translator, detectLocale, translator } from './i18n/index.js';
import { redact } from './log.js';
import { escapeControls } from './safe-text.js';
import type { Command } from './commands/command.js';
import { COMMANDS } from './commands/index.js';

const HELP_FLAGS = new Set(['-h', '--help']);

/** A bug's text for a report: its lines are ours, what it quotes may not drive the terminal. */
function reportText(detail: string): string {
  return redact(escapeControls(detail, { keepNewlines: true }));
}

/**
 * The human channel handed to every command: what a command prints may quote Whatalo (a
 * store name, a refusal), so it passes escapeControls on its way to stderr, newlines kept.
 * stderr is synchronous for files, pipes and terminals on Linux and macOS, so nothing waits
 * in this wrapper when the process ends.
 */
function humanChannel(): NodeJS.WritableStream {
  return new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      process.stderr.write(escapeControls(String(chunk), { keepNewlines: true }));
      done();
    },
  });
}

async function topHelp({ t }: Translator): Promise<string> {
  const commands = await Promise.all(COMMANDS.map((c) => c.load()));
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    t('cli.tagline'),
    '',
    t('cli.usage'),
    '',
    t('cli.commands'),
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    t('cli.moreHelp'),
  ].join('\n');
}

function commandHelp(command: Command, { t }: Translator): string {
  return `${command.summary}\n\n${t('cli.usageLabel')} ${command.usage.trim()}`;
}

/**
 * `--timeout -5` as `--timeout=-5`: parseArgs reads a value that starts with a dash as the
 * next flag ("argument is ambiguous"), so a negative number never reached the command's own
 * check, which says what range is allowed. Only for string options, only for numbers.
 */
function joinNegativeNumbers(args: readonly string[], options: Command['options']): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    const option = arg.startsWith('--') ? options[arg.slice(2)] : undefined;
    if (option?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}

/** Turns a parseArgs error into one line a person can act on, in the person's language where Node's wording is known. */
function usageReason(error: unknown, { t }: Translator): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const option = /'(-[^' ]+)/.exec(message)?.[1];
  if (option && code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return t('cli.unknownOption', { option });
  if (option && code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /argument missing/.test(message)) return t('cli.missingValue', { option });
  return message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '.');
}

export async function main(argv: string[], env = process.env): Promise<number> {
  const [first, ...rest] = argv;
  const i18n = translator(detectLocale(env));
  if (first !== undefined && HELP_FLAGS.has(first)) {
    process.stdout.write((await topHelp(i18n)) + '\n');
    return 0;
  }
  if (first === '--version' || first === '-v') {
    const { VERSION } = await import('./version.js');
    process.stdout.write(VERSION + '\n');
    return 0;
  }
  const named = first !== undefined && !first.startsWith('-') ? COMMANDS.find((c) => c.name === first) : undefined;
  if (first !== undefined && !first.startsWith('-') && !named) {
    process.stderr.write(`whatalo-mcp: ${i18n.t('cli.unknownCommand', { command: first })}\n`);
    return 2;
  }
  const command = await (named ?? COMMANDS.find((c) => c.name === 'serve')!).load();
  const args = named ? rest : argv;
  if (args.some((a) => HELP_FLAGS.has(a))) {
    process.stdout.write(commandHelp(command, i18n) + '\n');
    return 0;
  }

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: joinNegativeNumbers(args, command.options), options: command.options, strict: true, allowPositionals: true });
  } catch (error) {
    process.stderr.write(`whatalo-mcp ${command.name}: ${usageReason(error, i18n)}\n`);
    return 2;
  }
  const max = command.maxPositionals ?? 0;
  if (parsed.positionals.length > max) {
    const extra = parsed.positionals.slice(max).join(' ');
    process.stderr.write(`whatalo-mcp ${command.name}: ${i18n.t('cli.unexpectedArgument', { arg: extra })}\n`);
    return 2;
  }

  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await command.run({
      values: parsed.values,
      positionals: parsed.positionals,
      env,
      stdout: process.stdout,
      stderr: humanChannel(),
      signal: controller.signal,
    });
  } catch (error) {
    if (isWhataloError(error)) {
      process.stderr.write(`whatalo-mcp ${command.name}: ${redact(error.toUserText())}\n`);
      return error.code === 'CONFIG_INVALID' ? 2 : 1;
    }
    // A bug: say so plainly, with the stack for a report, but never a token.
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`whatalo-mcp ${command.name}: ${i18n.t('cli.unexpectedError')}\n${reportText(detail)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

// An unhandled rejection must not kill a desktop host's server silently (Node 20 exits).
process.on('unhandledRejection', (reason) => {
  const detail = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
  process.stderr.write(`whatalo-mcp: unhandled rejection (please report it)\n${reportText(detail)}\n`);
});

/** Longest wait for stdout and stderr to take what was written before the process ends anyway. */
const FLUSH_LIMIT_MS = 5_000;

/**
 * A finished command ends the process once its output is flushed, rather than when nothing is
 * left to keep it alive: whatever a library leaves open (a socket with an unread body, a
 * timer) must not hold a script's `whatalo-mcp call` after it printed its result.
 */
async function exitWhenFlushed(code: number): Promise<void> {
  process.exitCode = code;
  const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => (stream.writableEnded ? resolve() : stream.write('', () => resolve())));
  const limit = new Promise<void>((resolve) => setTimeout(resolve, FLUSH_LIMIT_MS).unref());
  await Promise.race([Promise.all([flushed(process.stdout), flushed(process.stderr)]), limit]);
  process.exit(code);
}

main(process.argv.slice(2)).then(exitWhenFlushed, (error: unknown) => {
  process.stderr.write(`whatalo-mcp: ${reportText(String(error))}\n`);
  return exitWhenFlushed(1);
});
