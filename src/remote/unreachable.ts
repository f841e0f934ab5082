/**
 * The one wording of "the remote MCP server is out of reach", for the relay's requests and
 * for the probe that login, status and logout send.
 */
import { WhataloError } from '../errors.js';
import { seconds } from '../net/bounded.js';

export function remoteUnreachable(server: URL, why: string, cause?: unknown): WhataloError {
  return new WhataloError('REMOTE_UNREACHABLE', `The MCP server at ${server.href} ${why}.`, {
    hint: 'Check the network connection and --remote / WHATALO_REMOTE_URL, then try again.',
    ...(cause === undefined ? {} : { cause }),
  });
}

/** A failed fetch (timeout or network error) as REMOTE_UNREACHABLE; `timeoutMs` is the deadline that applied. */
export function fetchFailure(server: URL, error: unknown, timeoutMs: number): WhataloError {
  if (error instanceof DOMException && error.name === 'TimeoutError') return remoteUnreachable(server, `did not answer within ${seconds(timeoutMs)}`, error);
  const code = (error as { cause?: { code?: unknown } }).cause?.code;
  return remoteUnreachable(server, `cannot be reached (${typeof code === 'string' ? code : 'network error'})`, error);
}
