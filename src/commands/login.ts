import type { Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const loginCommand: Command = {
  name: 'login',
  summary: '(not yet implemented)',
  usage: 'whatalo-mcp login',
  options: {},
  async run(ctx) {
    ctx.stderr.write('whatalo-mcp login: not yet implemented\n');
    return 1;
  },
};
