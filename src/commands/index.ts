/** Every subcommand, in the order `--help` lists them. `serve` is the default. */
import type { Command } from './command.js';
import { callCommand } from './call.js';
import { demoCommand } from './demo.js';
import { loginCommand } from './login.js';
import { logoutCommand } from './logout.js';
import { sandboxCommand } from './sandbox.js';
import { serveCommand } from './serve.js';
import { statusCommand } from './status.js';
import { toolsCommand } from './tools.js';

export const COMMANDS: readonly Command[] = [
  serveCommand,
  loginCommand,
  logoutCommand,
  statusCommand,
  toolsCommand,
  callCommand,
  sandboxCommand,
  demoCommand,
];
