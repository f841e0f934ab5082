/**
 * `whatalo-mcp tools`: the enabled tools with the scope each needs, read from the same
 * records the server registers, so the listing cannot drift from what a host sees.
 */
import { detectLocale, translator } from '../i18n/index.js';
import type { Command } from './command.js';

export const toolsCommand: Command = {
  name: 'tools',
  get summary() {
    return translator().t('cli.summary.tools');
  },
  get usage() {
    return `whatalo-mcp tools [--json] [--read-only] [--toolsets a,b]\n\n${translator().t('usage.tools')}`;
  },
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
    const { t } = translator(detectLocale(ctx.env));
    const marker = (tool: (typeof tools)[number]) =>
      t(isReadOnly(tool) ? 'tools.readOnly' : tool.annotations.destructiveHint ? 'tools.destructive' : 'tools.writes');
    const markerWidth = Math.max(...(['tools.readOnly', 'tools.destructive', 'tools.writes'] as const).map((key) => t(key).length));
    const lines = tools.map((tool) => `${tool.name.padEnd(nameWidth)}  ${tool.scope.padEnd(scopeWidth)}  ${marker(tool).padEnd(markerWidth)}  ${tool.title}`);
    ctx.stdout.write(
      [
        ...lines,
        '',
        t('tools.signInAsks', { scopes: (config.scopes ?? initialScopes(tools)).join(' ') }) + (config.scopes ? t('tools.fromFlag') : ''),
        t('tools.writeLater'),
      ].join('\n') + '\n',
    );
    return 0;
  },
};
