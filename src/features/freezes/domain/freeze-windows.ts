import ICAL from 'ical.js';
import { DateTime, IANAZone } from 'luxon';

/**
 * The window arithmetic of change freezes, pure (no Nest, no store). A freeze is either one window between two
 * instants, or a recurrence: an RFC 5545 RRULE expanded from a local DTSTART in an IANA zone, each occurrence
 * lasting an RFC 5545 duration (days nominal, so local wall time is kept across DST; hours, minutes and seconds
 * exact). ical.js expands the rule on floating (zone-less) local times; luxon places each local time in the zone.
 * All times are epoch milliseconds; a window is half-open, [start, end).
 */

export interface Window {
  start: number;
  end: number;
}

/** One window between two instants. */
export interface OnceSpec {
  kind: 'once';
  start: number;
  end: number;
}

/** A recurrence in a zone: `start` and `exdates` are local date-times `YYYY-MM-DDTHH:mm:ss` without offset. */
export interface RecurringSpec {
  kind: 'recurring';
  timezone: string;
  start: string;
  rrule: string;
  duration: string;
  exdates: string[];
}

export type FreezeSpec = OnceSpec | RecurringSpec;

/** At most this many occurrences are stepped through for one question (a rule that never ends stops answering). */
export const MAX_STEPS = 200_000;

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

/** A problem with a freeze's definition: the field and why (the service turns it into a 400 naming it). */
export class SpecError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

export function isZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** The instant a local date-time names in `zone` (a time skipped by DST moves forward by the gap, as RFC 5545 says). */
export function localToInstant(local: string, zone: string): DateTime {
  const m = LOCAL.exec(local);
  if (!m) throw new SpecError('start', 'must be a local date-time YYYY-MM-DDTHH:mm:ss without offset');
  const [, y, mo, d, h, mi, s] = m.map(Number);
  const dt = DateTime.fromObject({ year: y, month: mo, day: d, hour: h, minute: mi, second: s }, { zone });
  if (!dt.isValid) throw new SpecError('start', 'is not a valid date-time');
  return dt;
}

interface ParsedDuration {
  days: number;
  ms: number;
}

/** An RFC 5545 duration (dur-value): weeks and days are nominal, the rest exact. Positive only. */
export function parseDuration(text: string): ParsedDuration {
  if (!/^P(\d+W|(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?)$/.test(text) || text === 'P' || text.endsWith('T'))
    throw new SpecError('duration', 'must be an RFC 5545 duration such as P2DT16H or PT4H');
  const d = ICAL.Duration.fromString(text);
  const days = d.weeks * 7 + d.days;
  const ms = ((d.hours * 60 + d.minutes) * 60 + d.seconds) * 1000;
  if (days === 0 && ms === 0) throw new SpecError('duration', 'must be longer than zero');
  return { days, ms };
}

/** The end of an occurrence starting at local `start` in its zone: days added on the wall clock, then exact time. */
function occurrenceEnd(start: DateTime, duration: ParsedDuration): number {
  const afterDays = duration.days ? start.plus({ days: duration.days }) : start;
  return afterDays.toMillis() + duration.ms;
}

/** The longest an occurrence of this duration can last (a day is at most 25 hours across a DST change). */
function maxLength(duration: ParsedDuration): number {
  return duration.days * 25 * 3_600_000 + duration.ms;
}

/** Parses and checks an RRULE value (UNTIL in UTC is rewritten to the zone's local time, as expansion is local). */
export function parseRule(rrule: string, zone: string): ICAL.Recur {
  let recur: ICAL.Recur;
  try {
    recur = ICAL.Recur.fromString(rrule);
  } catch (err) {
    throw new SpecError('rrule', `is not an RFC 5545 RRULE value (${(err as Error).message})`);
  }
  if (!recur.freq) throw new SpecError('rrule', 'needs FREQ');
  const known = new Set(['SECONDLY', 'MINUTELY', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']);
  if (!known.has(recur.freq)) throw new SpecError('rrule', `FREQ=${recur.freq} is not an RFC 5545 frequency`);
  if (recur.freq === 'SECONDLY' || recur.freq === 'MINUTELY') throw new SpecError('rrule', 'FREQ must be HOURLY or longer');
  if (recur.interval < 1 || !Number.isInteger(recur.interval)) throw new SpecError('rrule', 'INTERVAL must be a positive integer');
  if (recur.until && recur.until.zone === ICAL.Timezone.utcTimezone) {
    const local = DateTime.fromMillis(recur.until.toJSDate().getTime(), { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
    recur.until = ICAL.Time.fromDateTimeString(local);
  }
  return recur;
}

/** A recurring freeze, parsed once for repeated questions. */
export class CompiledRecurrence {
  private readonly rule: ICAL.Recur;
  private readonly duration: ParsedDuration;
  private readonly exdates: Set<string>;
  readonly firstStart: number;

  constructor(readonly spec: RecurringSpec) {
    if (!isZone(spec.timezone)) throw new SpecError('timezone', 'is not an IANA time zone');
    this.firstStart = localToInstant(spec.start, spec.timezone).toMillis();
    this.duration = parseDuration(spec.duration);
    this.rule = parseRule(spec.rrule, spec.timezone);
    for (const [i, ex] of spec.exdates.entries())
      if (!LOCAL.test(ex)) throw new SpecError(`exdates[${i}]`, 'must be a local date-time YYYY-MM-DDTHH:mm:ss');
    this.exdates = new Set(spec.exdates);
  }

  /** The longest one occurrence lasts. */
  get maxLength(): number {
    return maxLength(this.duration);
  }

  /**
   * Occurrence windows in start order, from the first whose start is at or after `startsFrom - maxLength` (so
   * every window still open at `startsFrom` is included) to the last starting before `until`. EXDATEs removed.
   * The expansion is kept as it grows, so repeated questions step through the rule once.
   */
  *windows(startsFrom: number, until: number): Generator<Window> {
    const floor = startsFrom - this.maxLength;
    this.expandUntil(until);
    let lo = 0;
    let hi = this.expanded.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.expanded[mid].start < floor) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.expanded.length && this.expanded[i].start < until; i++) yield this.expanded[i];
  }

  private readonly expanded: Window[] = [];
  private iterator?: ICAL.RecurIterator;
  private done = false;
  private steps = 0;

  /** Steps the rule until an occurrence starts at or after `until` (or the rule ends, or MAX_STEPS). */
  private expandUntil(until: number): void {
    this.iterator ??= this.rule.iterator(ICAL.Time.fromDateTimeString(this.spec.start));
    while (!this.done && (this.expanded.length === 0 || this.expanded[this.expanded.length - 1].start < until)) {
      const next = this.steps++ < MAX_STEPS ? this.iterator.next() : null;
      if (!next) {
        this.done = true;
        return;
      }
      const local = next.toString();
      if (this.exdates.has(local)) continue;
      const start = localToInstant(local, this.spec.timezone);
      this.expanded.push({ start: start.toMillis(), end: occurrenceEnd(start, this.duration) });
    }
  }

  /** Where coverage ends for good: the last occurrence's end, or null when the rule never ends (or too far to tell). */
  lastEnd(): number | null {
    if (!this.rule.isFinite()) return null;
    this.expandUntil(Infinity);
    if (this.steps >= MAX_STEPS) return null;
    return this.expanded.reduce((last, w) => Math.max(last, w.end), this.firstStart);
  }
}

export type CompiledFreeze = { kind: 'once'; window: Window } | { kind: 'recurring'; recurrence: CompiledRecurrence };

export function compile(spec: FreezeSpec): CompiledFreeze {
  if (spec.kind === 'once') {
    if (!(spec.end > spec.start)) throw new SpecError('end', 'must be after start');
    return { kind: 'once', window: { start: spec.start, end: spec.end } };
  }
  return { kind: 'recurring', recurrence: new CompiledRecurrence(spec) };
}

/** Windows of one freeze overlapping [from, until), in start order. */
export function windowsOverlapping(freeze: CompiledFreeze, from: number, until: number): Window[] {
  if (freeze.kind === 'once') return freeze.window.start < until && freeze.window.end > from ? [freeze.window] : [];
  const out: Window[] = [];
  for (const w of freeze.recurrence.windows(from, until)) if (w.end > from) out.push(w);
  return out;
}

/** The window of this freeze covering instant `at` (the one ending last when several overlap), or undefined. */
export function coveringWindow(freeze: CompiledFreeze, at: number): Window | undefined {
  let found: Window | undefined;
  for (const w of windowsOverlapping(freeze, at, at + 1)) if (!found || w.end > found.end) found = w;
  return found;
}

/** Where a freeze's coverage begins and ends for good (null: never ends): what the store filters by. */
export function coverage(freeze: CompiledFreeze): { from: number; until: number | null } {
  if (freeze.kind === 'once') return { ...{ from: freeze.window.start, until: freeze.window.end } };
  return { from: freeze.recurrence.firstStart, until: freeze.recurrence.lastEnd() };
}

/**
 * The earliest instant at or after `at` that none of the freezes covers and that is no earlier than `notBefore`
 * (another reason's end, e.g. a lock's expiry). Windows that touch or overlap chain. Null when that instant cannot
 * be found within `horizonMs` (a freeze that never lets go).
 */
export function nextAllowedAt(freezes: CompiledFreeze[], at: number, notBefore = at, horizonMs = 5 * 366 * 86_400_000): number | null {
  let t = Math.max(at, notBefore);
  const limit = at + horizonMs;
  for (let round = 0; round < 100_000; round++) {
    let end = t;
    for (const f of freezes) {
      const w = coveringWindow(f, t);
      if (w && w.end > end) end = w.end;
    }
    if (end === t) return t;
    if (end > limit) return null;
    t = end;
  }
  return null;
}
