import type { Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const serveCommand: Command = {
  name: 'serve',
  summary: '(not yet implemented)',
  usage: 'whatalo-mcp serve',
  options: {},
  async run(ctx) {
    ctx.stderr.write('whatalo-mcp serve: not yet implemented\n');
    return 1;
  },
};
