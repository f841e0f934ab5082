/**
 * Dates in the store's time zone: a calendar date a merchant gives ("2026-09-01") starts at
 * midnight where the store is, and sales fall on the store's days, not UTC's. API v1 takes
 * and gives instants (ISO 8601 date-times); the store names its zone (`timezone`, IANA).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone itself when Intl knows it, else UTC (a store with no or an unknown zone). */
export function knownZone(zone: string | null | undefined): string {
  if (!zone) return 'UTC';
  try {
    formatterFor(zone);
    return zone;
  } catch {
    return 'UTC';
  }
}

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    if (formatters.size < 64) formatters.set(zone, formatter);
  }
  return formatter;
}

function wallClock(ms: number, zone: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const parts = Object.fromEntries(
    formatterFor(zone)
      .formatToParts(ms)
      .map((p) => [p.type, p.value]),
  );
  return { y: Number(parts.year), mo: Number(parts.month), d: Number(parts.day), h: Number(parts.hour), mi: Number(parts.minute), s: Number(parts.second) };
}

/** The zone's offset from UTC at `ms`, in ms (UTC-6 is -21,600,000). */
function offsetMs(ms: number, zone: string): number {
  const w = wallClock(ms, zone);
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - Math.floor(ms / 1000) * 1000;
}

/** The instant a calendar day starts in `zone` (DST-safe: the offset is read again at the answer). */
export function startOfDay(date: string, zone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  const first = guess - offsetMs(guess, zone);
  return guess - offsetMs(first, zone);
}

/** A tool's date argument as an instant: a calendar date starts at midnight in `zone`. */
export function instantOf(value: string, zone: string): number {
  return value.length === 10 ? startOfDay(value, zone) : Date.parse(value);
}

/** The calendar day (YYYY-MM-DD) an instant falls on in `zone`. */
export function dayOf(ms: number, zone: string): string {
  const w = wallClock(ms, zone);
  return `${String(w.y).padStart(4, '0')}-${String(w.mo).padStart(2, '0')}-${String(w.d).padStart(2, '0')}`;
}
