import type { Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const logoutCommand: Command = {
  name: 'logout',
  summary: '(not yet implemented)',
  usage: 'whatalo-mcp logout',
  options: {},
  async run(ctx) {
    ctx.stderr.write('whatalo-mcp logout: not yet implemented\n');
    return 1;
  },
};
