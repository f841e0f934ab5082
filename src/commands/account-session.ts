/**
 * What `login`, `logout` and `status` share: the configuration from env and the connection
 * flags, a stderr logger, and the account (auth/account.ts), closed when the command ends.
 * The account module is imported here, inside the call: cli.ts imports every command module,
 * and `serve` must not load OAuth code before it answers `initialize`.
 */
import type { Account } from '../auth/account.js';
import type { Config, ConfigFlags } from '../config.js';
import { isWhataloError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Scope } from '../scopes.js';
import { type CommandContext, stringFlag } from './command.js';

export interface AccountSession {
  config: Config;
  logger: Logger;
  account: Account;
}

export async function withAccount<T>(
  ctx: CommandContext,
  options: {
    flags?: ConfigFlags;
    requestedScopes?: (config: Config) => Promise<readonly Scope[]>;
    /** The scope a new registration names: every enabled tool's (CONTRACT AC4); direct mode only. */
    registeredScopes?: (config: Config) => Promise<readonly Scope[]>;
    /** Remote mode: a server out of reach still lets the stored grant be found (logout removes it). */
    offlineRemote?: boolean;
    /** Refuses a configuration before anything is asked of a server (throw CONFIG_INVALID). */
    check?: (config: Config) => void;
  },
  run: (session: AccountSession) => Promise<T>,
): Promise<T> {
  const [{ loadConfig }, { createLogger }, { createAccount }] = await Promise.all([import('../config.js'), import('../log.js'), import('../auth/account.js')]);
  const config = loadConfig(ctx.env, {
    issuer: stringFlag(ctx, 'issuer'),
    apiBase: stringFlag(ctx, 'api-base'),
    resource: stringFlag(ctx, 'resource'),
    remote: stringFlag(ctx, 'remote'),
    ...options.flags,
  });
  options.check?.(config);
  const logger = createLogger({ level: config.logLevel, name: 'whatalo-mcp', write: (line) => void ctx.stderr.write(line + '\n') });
  let account: Account;
  if (config.remoteUrl) {
    // Remote mode: the grant for the remote server, from its AS; login asks for what the server names.
    const { createRemoteAuthorizer } = await import('../remote/authorizer.js');
    const authorizer = createRemoteAuthorizer(config, config.remoteUrl, { logger });
    const requestedScopes = options.requestedScopes ? await authorizer.requestedScopes() : [];
    const connect = async () => {
      try {
        return await authorizer.connect();
      } catch (error) {
        if (!options.offlineRemote || !isWhataloError(error, 'REMOTE_UNREACHABLE')) throw error;
        logger.warn(`${error.message} Only the copy kept here can be removed.`);
        return authorizer.offline(error);
      }
    };
    account = createAccount(config, { logger, requestedScopes }, connect);
  } else {
    const requestedScopes = options.requestedScopes ? await options.requestedScopes(config) : [];
    const registeredScopes = options.registeredScopes ? await options.registeredScopes(config) : undefined;
    account = createAccount(config, { logger, requestedScopes, ...(registeredScopes ? { registeredScopes } : {}) });
  }
  try {
    return await run({ config, logger, account });
  } finally {
    await account.close();
  }
}
