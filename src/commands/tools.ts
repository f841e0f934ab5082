import type { Command } from './command.js';

// Placeholder until its issue lands; replaced by the real command.
export const toolsCommand: Command = {
  name: 'tools',
  summary: '(not yet implemented)',
  usage: 'whatalo-mcp tools',
  options: {},
  async run(ctx) {
    ctx.stderr.write('whatalo-mcp tools: not yet implemented\n');
    return 1;
  },
};
