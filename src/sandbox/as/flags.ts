/**
 * How far the sandbox's authorization server departs from Whatalo as documented: nowhere,
 * by default. Whatalo is strict (exact redirect match, 10 registrations per IP per hour,
 * 60/30 token requests per minute); the sandbox is too, so a client that works against it
 * works against Whatalo. What is generous and undocumented exists only behind these flags,
 * each off by default, each named in one place (CONTRACT AC6).
 *
 * @see ../../../../shared/spec/CONTRACT.md AC6
 */

/** Generous or variant behaviours Whatalo does not promise (and one stricter reading); all false by default. */
export interface AsFlags {
  /**
   * RFC 8252 §7.3: a registered `http://127.0.0.1/cb` (or `[::1]`) matches the same URI on any
   * port. Whatalo matches redirect URIs exactly, port included (CONTRACT A6), so a client that
   * relies on this fails there.
   */
  anyLoopbackPort: boolean;
  /**
   * Honour `whatalo_store_id` at authorize: the consent page offers that store alone (and
   * auto-approval picks it). Whatalo documents no store-preselection parameter (A6, AC5): by
   * default the parameter is ignored like any unknown one (RFC 6749 §3.1).
   */
  storeHint: boolean;
  /**
   * Let a public client introspect its own tokens with its client_id alone. Whatalo allows
   * only confidential clients (A11): by default a public client is 401 invalid_client.
   */
  publicIntrospection: boolean;
  /**
   * RFC 9207: `iss` on every authorization response and
   * `authorization_response_iss_parameter_supported: true` in the metadata. Whatalo does
   * neither (A1, A7).
   */
  issParameter: boolean;
  /**
   * The API-reference copy of the metadata, whose `grant_types_supported` omits the token
   * exchange (A2); the exchange itself still works. A client must not refuse to start on it.
   */
  referenceMetadata: boolean;
  /**
   * Stricter, not more generous: refuse `http://127.0.0.1` and `http://[::1]` redirect URIs at
   * registration, reading Whatalo's "https except localhost" literally, so a client's fallback
   * to `http://localhost:PORT/callback` (CONTRACT AC3) can be tested.
   */
  localhostOnly: boolean;
}

export const DEFAULT_FLAGS: Readonly<AsFlags> = Object.freeze({
  anyLoopbackPort: false,
  storeHint: false,
  publicIntrospection: false,
  issParameter: false,
  referenceMetadata: false,
  localhostOnly: false,
});

/** The AS's rate limits (CONTRACT A5, A8). Raise them for tests that register or sign in many times. */
export interface AsLimits {
  /** POST /oauth/register per client IP per hour (Whatalo: 10). */
  registrationsPerHour: number;
  /** POST /oauth/token per client IP per minute (Whatalo: 60). */
  tokenPerMinutePerIp: number;
  /** POST /oauth/token per authenticated client_id per minute (Whatalo: 30). */
  tokenPerMinutePerClient: number;
}

export const WHATALO_LIMITS: Readonly<AsLimits> = Object.freeze({
  registrationsPerHour: 10,
  tokenPerMinutePerIp: 60,
  tokenPerMinutePerClient: 30,
});

const MAX_LIMIT = 1_000_000;

/** Why a limits patch is unacceptable, or undefined; each value an integer from 1 to 1,000,000. */
export function limitsProblem(patch: Partial<Record<keyof AsLimits, unknown>>): string | undefined {
  for (const [name, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (!(name in WHATALO_LIMITS)) return `unknown limit "${name}"`;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_LIMIT) {
      return `${name} must be an integer from 1 to ${MAX_LIMIT}`;
    }
  }
  return undefined;
}
