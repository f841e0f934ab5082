/** A command-line flag of a bench script that counts something: a whole number of at least 1. */
export function wholeNumber(values, flag, fallback) {
  const raw = values[flag];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} takes a whole number of at least 1, not ${raw}`);
  return n;
}
