import type { Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const callCommand: Command = {
  name: 'call',
  summary: '(not yet implemented)',
  usage: 'whatalo-mcp call',
  options: {},
  async run(ctx) {
    ctx.stderr.write('whatalo-mcp call: not yet implemented\n');
    return 1;
  },
};
