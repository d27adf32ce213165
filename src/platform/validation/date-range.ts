/**
 * Dates as the API reads and writes them: the ISO 8601 forms callers send, search windows, a day's bounds in a
 * zone, Go-style durations. Shared by the features' DTOs, queries and mappers.
 */
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const DAY_MS = 86_400_000;

/** True for a calendar date without a time ("2024-01-31"). */
export function isBareDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value);
}

/**
 * Parses the ISO 8601 forms callers send: a bare date (UTC midnight) or a date-time with an optional offset.
 * A date-time without an offset is read as UTC, so the server's own zone never changes the meaning.
 * Impossible calendar dates (2024-02-30) are rejected rather than rolled over.
 */
export function parseInstant(value: string): Date | undefined {
  const m = ISO_RE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac, zone] = m;
  const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(wall);
  if (
    check.getUTCFullYear() !== Number(y) ||
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  ) {
    return undefined;
  }
  return new Date(wall - zoneOffsetMs(zone));
}

function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 60 + minutes) * 60_000;
}

/** An inclusive instant range; `before` is exclusive and used when the caller gave a bare end date. */
export interface InstantRange {
  from?: Date;
  to?: Date;
  before?: Date;
}

/**
 * Builds the search window: both ends inclusive, and a bare-date end covers that whole UTC day (it becomes
 * "before the next midnight"). Returns the name of the offending parameter when the window is empty.
 */
export function searchWindow(start: string | undefined, end: string | undefined): InstantRange {
  const range: InstantRange = {};
  if (start) range.from = parseInstant(start);
  if (end) {
    const at = parseInstant(end);
    if (at && isBareDate(end)) range.before = new Date(at.getTime() + DAY_MS);
    else range.to = at;
  }
  return range;
}

/** True when the window cannot contain anything because its end lies before its start. */
export function isInvertedWindow(range: InstantRange): boolean {
  if (!range.from) return false;
  if (range.to) return range.to.getTime() < range.from.getTime();
  if (range.before) return range.before.getTime() <= range.from.getTime();
  return false;
}

/** The UTC calendar parts stats group by; stored at write time because the store has no date operators. */
export function dateParts(at: Date): { yearMonth: string; day: string } {
  const day = at.toISOString().slice(0, 10);
  return { yearMonth: day.slice(0, 7), day };
}

/** True when `tz` names an IANA zone this runtime knows. */
export function isKnownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function wallClockInZone(at: number, tz: string): { y: number; m: number; d: number; asUtc: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const [y, m, d] = [get('year'), get('month'), get('day')];
  return { y, m, d, asUtc: Date.UTC(y, m - 1, d, get('hour'), get('minute'), get('second')) };
}

/** The UTC instant at which the local wall clock of `tz` reads midnight of the given calendar day. */
function localMidnight(y: number, m: number, d: number, tz: string): number {
  const naive = Date.UTC(y, m - 1, d);
  let guess = naive;
  // Two passes settle the offset even when the day starts next to a DST switch.
  for (let i = 0; i < 2; i++) {
    const offset = wallClockInZone(guess, tz).asUtc - Math.floor(guess / 1000) * 1000;
    guess = naive - offset;
  }
  return guess;
}

/** [start, end) of the calendar day containing `now`, in UTC or in the IANA zone `tz`. */
export function dayBounds(now: Date, tz?: string): { start: Date; end: Date } {
  if (!tz || tz === 'UTC') {
    const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    return { start: new Date(start), end: new Date(start + DAY_MS) };
  }
  const { y, m, d } = wallClockInZone(now.getTime(), tz);
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return {
    start: new Date(localMidnight(y, m, d, tz)),
    end: new Date(localMidnight(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), tz)),
  };
}

/** Go's time.Duration text ("5m0s", "1h2m3s", "250ms"), the form upstream Tracker prints. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1000) return `${sign}${rest}ms`;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = rest / 1000;
  const secs = `${Number.isInteger(s) ? s : s.toFixed(3).replace(/0+$/, '')}s`;
  if (h) return `${sign}${h}h${m}m${secs}`;
  if (m) return `${sign}${m}m${secs}`;
  return `${sign}${secs}`;
}
