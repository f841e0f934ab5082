import type { Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const demoCommand: Command = {
  name: 'demo',
  summary: '(not yet implemented)',
  usage: 'whatalo-mcp demo',
  options: {},
  async run(ctx) {
    ctx.stderr.write('whatalo-mcp demo: not yet implemented\n');
    return 1;
  },
};
