/**
 * The embedded sandbox for `serve --sandbox`, `call --sandbox` and `demo`: a fake Whatalo in
 * this process, and the "browser" that completes its auto-approved consent. This file and
 * the commands that import it are the only places where the sandbox and the client meet.
 */
import { WhataloError } from '../errors.js';
import { type Locale, translator } from '../i18n/index.js';
import type { Logger } from '../log.js';
import type { Sandbox } from '../sandbox/index.js';

export interface EmbeddedSandbox {
  sandbox: Sandbox;
  /** For BrokerDeps.openBrowser: follows the authorization URL as a browser would. */
  openBrowser(url: string): Promise<void>;
}

/**
 * Follows an authorization URL through an auto-approving sandbox to the loopback callback,
 * as the merchant's browser would: authorize → 302 → 127.0.0.1 callback page.
 */
export async function followAuthorization(url: string): Promise<void> {
  const response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(30_000) });
  await response.text();
  if (!response.ok) {
    throw new WhataloError('SIGN_IN_FAILED', translator().t('signin.sandboxIncomplete', { status: response.status, path: new URL(response.url).pathname }));
  }
}

/**
 * Starts the sandbox on 127.0.0.1. By default the merchant's first store is approved by
 * itself; with `consentPage` a person approves on the real consent page instead.
 */
export async function startEmbeddedSandbox(options: { logger: Logger; consentPage?: boolean; locale?: Locale }): Promise<EmbeddedSandbox> {
  const { startSandbox } = await import('../sandbox/index.js');
  const sandbox = await startSandbox({ ...(options.consentPage ? {} : { autoApprove: 'first' }), logger: options.logger, locale: options.locale });
  return { sandbox, openBrowser: followAuthorization };
}
