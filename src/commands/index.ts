/**
 * Every subcommand, in the order `--help` lists them; `serve` is the default. Each module is
 * imported only when its command runs: a desktop host launches `serve` often, and every module
 * loaded before `initialize` is start-up time the host waits for.
 */
import type { Command } from './command.js';

export interface CommandEntry {
  name: string;
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'serve', load: async () => (await import('./serve.js')).serveCommand },
  { name: 'login', load: async () => (await import('./login.js')).loginCommand },
  { name: 'logout', load: async () => (await import('./logout.js')).logoutCommand },
  { name: 'status', load: async () => (await import('./status.js')).statusCommand },
  { name: 'tools', load: async () => (await import('./tools.js')).toolsCommand },
  { name: 'call', load: async () => (await import('./call.js')).callCommand },
  { name: 'sandbox', load: async () => (await import('./sandbox.js')).sandboxCommand },
  { name: 'demo', load: async () => (await import('./demo.js')).demoCommand },
];
