import type { Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const sandboxCommand: Command = {
  name: 'sandbox',
  summary: '(not yet implemented)',
  usage: 'whatalo-mcp sandbox',
  options: {},
  async run(ctx) {
    ctx.stderr.write('whatalo-mcp sandbox: not yet implemented\n');
    return 1;
  },
};
