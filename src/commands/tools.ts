/**
 * `whatalo-mcp tools`: the enabled tools with the scope each needs, read from the same
 * records the server registers, so the listing cannot drift from what a host sees.
 */
import type { Command } from './command.js';

export const toolsCommand: Command = {
  name: 'tools',
  summary: 'List the tools, the scope each needs, and which ones only read',
  usage: `whatalo-mcp tools [--json] [--read-only] [--toolsets a,b]

  --json          one JSON object on stdout: {"tools": [...], "initial_scopes": [...], "required_scopes": [...]}
  --read-only     as serve --read-only would register them
  --toolsets a,b  as serve --toolsets would register them`,
  options: {
    json: { type: 'boolean' },
    'read-only': { type: 'boolean' },
    toolsets: { type: 'string' },
  },
  async run(ctx) {
    const [{ loadConfig }, { ALL_TOOLS }, { selectTools, initialScopes, requiredScopes, isReadOnly }] = await Promise.all([
      import('../config.js'),
      import('../tools/index.js'),
      import('../tools/catalog.js'),
    ]);
    const config = loadConfig(ctx.env, {
      readOnly: ctx.values['read-only'] === true,
      toolsets: typeof ctx.values.toolsets === 'string' ? ctx.values.toolsets : undefined,
    });
    const tools = selectTools(ALL_TOOLS, { readOnly: config.readOnly, toolsets: config.toolsets });
    if (ctx.values.json === true) {
      const listing = tools.map((t) => ({
        name: t.name,
        title: t.title,
        toolset: t.toolset,
        scope: t.scope,
        read_only: isReadOnly(t),
        destructive: t.annotations.destructiveHint,
        idempotent: t.annotations.idempotentHint,
        description: t.description,
      }));
      ctx.stdout.write(
        JSON.stringify({ tools: listing, initial_scopes: config.scopes ?? initialScopes(tools), required_scopes: requiredScopes(tools) }, null, 2) + '\n',
      );
      return 0;
    }
    const nameWidth = Math.max(...tools.map((t) => t.name.length));
    const scopeWidth = Math.max(...tools.map((t) => t.scope.length));
    const marker = (t: (typeof tools)[number]) => (isReadOnly(t) ? 'read-only' : t.annotations.destructiveHint ? 'destructive' : 'writes');
    const lines = tools.map((t) => `${t.name.padEnd(nameWidth)}  ${t.scope.padEnd(scopeWidth)}  ${marker(t).padEnd(11)}  ${t.title}`);
    ctx.stdout.write(
      [
        ...lines,
        '',
        `Sign-in asks for: ${(config.scopes ?? initialScopes(tools)).join(' ')}${config.scopes ? ' (from --scopes or WHATALO_SCOPES)' : ''}`,
        'Write scopes are asked for the first time a tool that needs one runs.',
      ].join('\n') + '\n',
    );
    return 0;
  },
};
