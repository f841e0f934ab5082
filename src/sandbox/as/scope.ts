/**
 * The sandbox's own reading of an OAuth `scope` parameter, strict to RFC 6749 §3.3: scope
 * tokens of NQCHAR (%x21 / %x23-5B / %x5D-7E) separated by single spaces, nothing before or
 * after. Deliberately not the client's `splitScopes`, which forgives: a fake that parsed with
 * the client's code would agree with the client's bugs instead of catching them.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
import { oauthError } from '../http.js';

const SCOPE_SYNTAX = /^[\x21\x23-\x5B\x5D-\x7E]+(?: [\x21\x23-\x5B\x5D-\x7E]+)*$/;

/** The distinct scope tokens of `value` ([] when absent or empty); `fail` makes the error for a malformed one. */
export function parseScope(value: string | undefined, fail: (message: string) => Error): string[] {
  if (value === undefined || value === '') return [];
  if (!SCOPE_SYNTAX.test(value)) throw fail('scope must be scope tokens separated by single spaces (RFC 6749 §3.3)');
  return [...new Set(value.split(' '))];
}

/**
 * The scope of a request that may only narrow `granted` (a refresh, RFC 6749 §6; a token
 * exchange, RFC 8693 §2.1): `granted` when `asked` is absent; invalid_scope when it is
 * malformed, empty, or names a scope outside `granted` (`wider` says why, naming them).
 */
export function narrowScope(asked: string | undefined, granted: readonly string[], wider: (extra: string) => string): string[] {
  if (asked === undefined) return [...granted];
  const narrowed = parseScope(asked, (message) => oauthError('invalid_scope', message));
  if (narrowed.length === 0) throw oauthError('invalid_scope', 'scope must not be empty');
  const extra = narrowed.filter((s) => !granted.includes(s));
  if (extra.length > 0) throw oauthError('invalid_scope', wider(extra.join(' ')));
  return narrowed;
}
