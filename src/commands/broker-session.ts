/**
 * What `login`, `logout` and `status` share: the configuration from env and the connection
 * flags, a stderr logger, and a broker that is closed when the command ends. The broker is
 * imported here, inside the call: cli.ts imports every command module, and `serve` must not
 * load OAuth code before it answers `initialize`.
 */
import type { Broker } from '../auth/broker.js';
import type { Config, ConfigFlags } from '../config.js';
import type { Logger } from '../log.js';
import type { Scope } from '../scopes.js';
import { type CommandContext, stringFlag } from './command.js';

export interface BrokerSession {
  config: Config;
  logger: Logger;
  broker: Broker;
}

export async function withBroker<T>(
  ctx: CommandContext,
  options: { flags?: ConfigFlags; requestedScopes?: (config: Config) => Promise<readonly Scope[]> },
  run: (session: BrokerSession) => Promise<T>,
): Promise<T> {
  const [{ loadConfig }, { createLogger }, { createBroker }] = await Promise.all([
    import('../config.js'),
    import('../log.js'),
    import('../auth/broker.js'),
  ]);
  const config = loadConfig(ctx.env, { issuer: stringFlag(ctx, 'issuer'), apiBase: stringFlag(ctx, 'api-base'), ...options.flags });
  const logger = createLogger({ level: config.logLevel, name: 'whatalo-mcp', write: (line) => void ctx.stderr.write(line + '\n') });
  const requestedScopes = options.requestedScopes ? await options.requestedScopes(config) : [];
  const broker = createBroker(config, { logger, requestedScopes });
  try {
    return await run({ config, logger, broker });
  } finally {
    await broker.close();
  }
}
