/**
 * Redirect URI rules shared by registration and the authorization endpoint.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.3 (loopback redirects, any port)
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.1.2 (absolute, no fragment)
 */

const LOOPBACK_IPS = new Set(['127.0.0.1', '[::1]']);

/** Hosts that never leave the machine; plain http is accepted only for these. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_IPS.has(hostname) || hostname === 'localhost';
}

/** Why a redirect URI may not be registered, or undefined when it may. */
export function redirectUriProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `redirect_uri "${raw}" is not an absolute URI`;
  }
  if (raw.includes('#')) return `redirect_uri "${raw}" must not contain a fragment`;
  if (url.username || url.password) return `redirect_uri "${raw}" must not contain credentials`;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    return isLoopbackHost(url.hostname) ? undefined : `redirect_uri "${raw}" uses http on a host that is not loopback`;
  }
  return `redirect_uri "${raw}" must use https, or http on a loopback address`;
}

/**
 * True when `requested` is one of the registered redirect URIs. Strings must be equal,
 * except that for loopback IP literals the port is ignored: a native app takes whatever
 * ephemeral port the OS gives it (RFC 8252 §7.3).
 */
export function matchesRegistered(registered: readonly string[], requested: string): boolean {
  if (registered.includes(requested)) return true;
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
