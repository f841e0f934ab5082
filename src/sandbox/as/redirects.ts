/**
 * Redirect URI rules shared by registration and the authorization endpoint: https, or http
 * on localhost and the loopback IPs (CONTRACT A5); matched exactly (A6).
 *
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3 (loopback redirects, any port: a flag only)
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.1.2 (absolute, no fragment)
 */

const LOOPBACK_IPS = new Set(['127.0.0.1', '[::1]']);

/**
 * Hosts that never leave the machine; plain http is accepted only for these. Whatalo says
 * "except localhost"; the loopback IP literals are taken as localhost too (RFC 8252 §8.3).
 */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_IPS.has(hostname) || hostname === 'localhost';
}

/**
 * The URL `raw` names when it is one both fields may carry (RFC 6749 §3.1.2, RFC 8707 §2:
 * absolute, no fragment, no credentials), else why not, in the words of `field`.
 */
function absoluteUrl(field: 'resource' | 'redirect_uri', raw: string): URL | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `${field} "${raw}" is not an absolute URI`;
  }
  if (raw.includes('#')) return `${field} "${raw}" must not contain a fragment`;
  if (url.username || url.password) return `${field} "${raw}" must not contain credentials`;
  return url;
}

/** Why `value` cannot be a `resource` or `audience` (RFC 8707 §2: absolute, no fragment; https or loopback http), or undefined. */
export function resourceProblem(value: string): string | undefined {
  const url = absoluteUrl('resource', value);
  if (typeof url === 'string') return url;
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))) return undefined;
  return `resource "${value}" must be an https URI (http only for localhost)`;
}

/**
 * Why a redirect URI may not be registered, or undefined when it may. `localhostOnly` (a
 * sandbox flag) takes Whatalo's "except localhost" literally: no plain http on an IP literal.
 */
export function redirectUriProblem(raw: string, localhostOnly = false): string | undefined {
  const url = absoluteUrl('redirect_uri', raw);
  if (typeof url === 'string') return url;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    const allowed = localhostOnly ? url.hostname === 'localhost' : isLoopbackHost(url.hostname);
    return allowed ? undefined : `redirect_uri "${raw}" must be https (http only for localhost)`;
  }
  return `redirect_uri "${raw}" must be https (http only for localhost)`;
}

/**
 * True when `requested` is one of the registered redirect URIs: exactly, port included
 * (CONTRACT A6). Only with `anyLoopbackPort` (the sandbox flag, AC6) does a loopback IP
 * literal match on any port, as RFC 8252 §7.3 allows and Whatalo does not promise.
 */
export function matchesRegistered(registered: readonly string[], requested: string, anyLoopbackPort: boolean): boolean {
  if (registered.includes(requested)) return true;
  if (!anyLoopbackPort) return false;
  let asked: URL;
  try {
    asked = new URL(requested);
  } catch {
    return false;
  }
  if (asked.protocol !== 'http:' || !LOOPBACK_IPS.has(asked.hostname) || requested.includes('#')) return false;
  if (asked.username || asked.password) return false;
  return registered.some((candidate) => {
    const known = new URL(candidate);
    return known.protocol === 'http:' && known.hostname === asked.hostname && known.pathname === asked.pathname && known.search === asked.search;
  });
}

/** Adds parameters to a redirect URI, keeping any query it already has. */
export function withParams(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.append(key, value);
  }
  return url.href;
}
