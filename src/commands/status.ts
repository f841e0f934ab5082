import type { Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const statusCommand: Command = {
  name: 'status',
  summary: '(not yet implemented)',
  usage: 'whatalo-mcp status',
  options: {},
  async run(ctx) {
    ctx.stderr.write('whatalo-mcp status: not yet implemented\n');
    return 1;
  },
};
