/**
 * `whatalo-mcp call TOOL '{"json":"args"}'`: runs one tool for a script, through the very
 * server a host talks to (createServer + an in-memory MCP client), and prints its
 * structuredContent as JSON. Exit 0 ok, 1 the tool failed (message on stderr), 2 bad usage.
 */
import { WhataloError } from '../errors.js';
import { type Translator, detectLocale, translator } from '../i18n/index.js';
import type { Command } from './command.js';
import { SERVE_FLAGS_HELP, SERVE_OPTIONS } from './serve.js';

function parseArguments(raw: string | undefined, { t }: Translator): Record<string, unknown> {
  if (raw === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new WhataloError('CONFIG_INVALID', t('call.badJson', { reason }));
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new WhataloError('CONFIG_INVALID', t('call.notObject', { got: Array.isArray(value) ? t('call.anArray') : JSON.stringify(value) }));
  }
  return value as Record<string, unknown>;
}

/**
 * Arguments that do not fit the tool are a usage error of this command (exit 2, like a bad
 * flag), not a tool failure (exit 1): checked here against the same schema the server uses.
 */
async function checkArguments(name: string, args: Record<string, unknown>, { t }: Translator): Promise<void> {
  const [{ ALL_TOOLS }, { argumentProblems }] = await Promise.all([import('../tools/index.js'), import('../server/results.js')]);
  const parsed = ALL_TOOLS.find((t) => t.name === name)?.inputSchema.safeParse(args);
  if (parsed && !parsed.success) throw new WhataloError('CONFIG_INVALID', t('call.argumentsDontFit', { tool: name, problems: argumentProblems(parsed.error) }));
}

export const callCommand: Command = {
  name: 'call',
  get summary() {
    return translator().t('cli.summary.call');
  },
  get usage() {
    return `whatalo-mcp call TOOL ['{"json":"arguments"}'] [flags]\n\n${SERVE_FLAGS_HELP}\n\n${translator().t('usage.call')}`;
  },
  options: SERVE_OPTIONS,
  maxPositionals: 2,
  async run(ctx) {
    const [name, raw] = ctx.positionals;
    const i18n = translator(detectLocale(ctx.env));
    const { t } = i18n;
    if (name === undefined) throw new WhataloError('CONFIG_INVALID', t('call.nameTool'));
    const args = parseArguments(raw, i18n);

    const { openSession } = await import('./serve.js');
    const session = await openSession(ctx);
    try {
      if (!session.tools.some((t) => t.name === name)) {
        const enabled = session.tools.map((t) => t.name).join(', ');
        const { ALL_TOOLS } = await import('../tools/index.js');
        const known = ALL_TOOLS.find((t) => t.name === name);
        if (known && session.config.readOnly && !known.annotations.readOnlyHint) {
          throw new WhataloError('CONFIG_INVALID', t('call.readOnly', { tool: name }));
        }
        throw new WhataloError('CONFIG_INVALID', t('call.noSuchTool', { tool: name, enabled }));
      }
      await checkArguments(name, args, i18n);
      const [{ Client }, { InMemoryTransport }, { VERSION }] = await Promise.all([
        import('@modelcontextprotocol/sdk/client/index.js'),
        import('@modelcontextprotocol/sdk/inMemory.js'),
        import('../version.js'),
      ]);
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      const client = new Client({ name: 'whatalo-mcp call', version: VERSION });
      await session.server.server.connect(serverSide);
      await client.connect(clientSide);
      try {
        // A first call may wait for a person to sign in: allow the sign-in bound and a margin.
        const timeout = (session.config.loginTimeoutSeconds + 60) * 1000;
        const result = await client.callTool({ name, arguments: args }, undefined, {
          signal: ctx.signal,
          timeout,
          onprogress: (progress) => {
            if (progress.message) ctx.stderr.write(`${progress.message}\n`);
          },
        });
        const text = Array.isArray(result.content)
          ? result.content.flatMap((c) => (c && typeof c === 'object' && 'text' in c && typeof c.text === 'string' ? [c.text] : [])).join('\n')
          : '';
        if (result.isError) {
          ctx.stderr.write(`whatalo-mcp call ${name}: ${text || t('call.failed')}\n`);
          return 1;
        }
        ctx.stdout.write(JSON.stringify(result.structuredContent ?? {}, null, 2) + '\n');
        return 0;
      } finally {
        await client.close();
      }
    } finally {
      await session.close();
    }
  },
};
