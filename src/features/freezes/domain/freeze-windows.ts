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

/**
 * At most this many occurrences are stepped through from one starting point (the rule's DTSTART, or a point the
 * expansion jumped to): past it the expansion stops, as if the rule ended (only a rule dense in BYHOUR/BYMINUTE
 * values asked about a long range gets there; docs/freezes.md).
 */
export const MAX_STEPS = 50_000;

/** A COUNT rule is stepped through from its DTSTART (the count starts there), so COUNT is bounded. */
export const MAX_COUNT = 1_000;

/** The last instant the API's date-times can name (four-digit years): no window of a recurrence ends after it. */
const LAST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

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
  if (recur.interval > 10_000) throw new SpecError('rrule', 'INTERVAL must be at most 10000');
  if (recur.count !== null && recur.count !== undefined && !(recur.count >= 1 && recur.count <= MAX_COUNT))
    throw new SpecError('rrule', `COUNT must be between 1 and ${MAX_COUNT} (UNTIL, or no end, for more)`);
  if (recur.until && recur.until.zone === ICAL.Timezone.utcTimezone) {
    const local = DateTime.fromMillis(recur.until.toJSDate().getTime(), { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
    recur.until = ICAL.Time.fromDateTimeString(local);
  }
  return recur;
}

/** A floating local time as milliseconds on a UTC clock (comparable with instants to within a zone's offset). */
function localMs(t: ICAL.Time): number {
  return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
}

/** The floating local time `ms` names on a UTC clock. */
function floatingAt(ms: number): ICAL.Time {
  return ICAL.Time.fromDateTimeString(new Date(ms).toISOString().slice(0, 19));
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const lcm = (a: number, b: number) => (a / gcd(a, b)) * b;

/**
 * A shift of DTSTART that leaves the rule's occurrences as they are: whole periods of the rule (INTERVAL times its
 * frequency; for MONTHLY whole years too, so the day of the month still exists; from a 29 February, whole 400-year
 * Gregorian cycles). None for a COUNT rule, whose count starts at DTSTART.
 */
type Period = { unit: 'ms'; amount: number } | { unit: 'months'; amount: number };
function periodOf(rule: ICAL.Recur, start: ICAL.Time): Period | undefined {
  if (rule.count) return undefined;
  const n = rule.interval;
  if (rule.freq === 'HOURLY') return { unit: 'ms', amount: n * 3_600_000 };
  if (rule.freq === 'DAILY') return { unit: 'ms', amount: n * 86_400_000 };
  if (rule.freq === 'WEEKLY') return { unit: 'ms', amount: n * 7 * 86_400_000 };
  const months = rule.freq === 'MONTHLY' ? lcm(n, 12) : 12 * n;
  return { unit: 'months', amount: start.month === 2 && start.day === 29 ? lcm(months, 4800) : months };
}

/** One run of the rule's iterator from a starting point, with the windows it produced (in start order). */
interface Expansion {
  /** Local ms of the starting point (-Infinity: the rule's own DTSTART). */
  from: number;
  iterator: ICAL.RecurIterator;
  /** The first value is the shifted DTSTART, which the rule may not produce: skipped. */
  skipFirst: boolean;
  windows: Window[];
  /** Local ms of the last value stepped to. */
  frontier: number;
  steps: number;
  done: boolean;
  /** Ended by MAX_STEPS, not by the rule: a question further on starts again nearer to it. */
  capped: boolean;
}

/** A recurring freeze, parsed once for repeated questions. */
export class CompiledRecurrence {
  private readonly rule: ICAL.Recur;
  private readonly duration: ParsedDuration;
  private readonly exdates: Set<string>;
  private readonly dtstart: ICAL.Time;
  private readonly period?: Period;
  readonly firstStart: number;

  constructor(readonly spec: RecurringSpec) {
    if (!isZone(spec.timezone)) throw new SpecError('timezone', 'is not an IANA time zone');
    this.firstStart = localToInstant(spec.start, spec.timezone).toMillis();
    this.duration = parseDuration(spec.duration);
    this.rule = parseRule(spec.rrule, spec.timezone);
    for (const [i, ex] of spec.exdates.entries())
      if (!LOCAL.test(ex)) throw new SpecError(`exdates[${i}]`, 'must be a local date-time YYYY-MM-DDTHH:mm:ss');
    this.exdates = new Set(spec.exdates);
    this.dtstart = ICAL.Time.fromDateTimeString(spec.start);
    this.period = periodOf(this.rule, this.dtstart);
  }

  /** The longest one occurrence lasts. */
  get maxLength(): number {
    return maxLength(this.duration);
  }

  /**
   * Occurrence windows in start order, from the first whose start is at or after `startsFrom - maxLength` (so
   * every window still open at `startsFrom` is included) to the last starting before `until`. EXDATEs removed.
   * The expansion starts a whole number of the rule's periods after DTSTART, at least a period before the
   * question (so a question years after DTSTART steps through a period or two, not every occurrence since), and
   * is kept as it grows, so repeated questions about the same times step through the rule once.
   */
  *windows(startsFrom: number, until: number): Generator<Window> {
    const floor = startsFrom - this.maxLength;
    const expansion = this.expansionFor(floor);
    this.expand(expansion, until);
    const list = expansion.windows;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].start < floor) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < list.length && list[i].start < until; i++) yield list[i];
  }

  private current?: Expansion;

  /** The kept expansion when it reaches back to `floor` and has not fallen far behind it; else a fresh one near it. */
  private expansionFor(floor: number): Expansion {
    const from = this.seekPoint(floor);
    const kept = this.current;
    if (kept && kept.from <= from && (kept.frontier >= from || (kept.done && !kept.capped))) return kept;
    this.current = this.startAt(from);
    return this.current;
  }

  /**
   * Local ms of the starting point for a question reaching back to the instant `floor`: two periods or more before
   * it (a zone's offset is under a day, and the first value after a shift is skipped), -Infinity for DTSTART.
   */
  private seekPoint(floor: number): number {
    const origin = localMs(this.dtstart);
    if (!this.period || !Number.isFinite(floor)) return -Infinity;
    const target = floor - 2 * 86_400_000;
    if (this.period.unit === 'ms') {
      const k = Math.floor((target - origin) / this.period.amount) - 1;
      return k >= 1 ? origin + k * this.period.amount : -Infinity;
    }
    const at = new Date(target);
    const monthsAway = (at.getUTCFullYear() - this.dtstart.year) * 12 + (at.getUTCMonth() + 1 - this.dtstart.month);
    const k = Math.floor(monthsAway / this.period.amount) - 1;
    if (k < 1) return -Infinity;
    const month = this.dtstart.month - 1 + k * this.period.amount;
    return Date.UTC(
      this.dtstart.year + Math.floor(month / 12),
      month % 12,
      this.dtstart.day,
      this.dtstart.hour,
      this.dtstart.minute,
      this.dtstart.second,
    );
  }

  private startAt(from: number): Expansion {
    const shifted = Number.isFinite(from);
    const start = shifted ? floatingAt(from) : this.dtstart;
    return {
      from,
      iterator: this.rule.iterator(start),
      skipFirst: shifted,
      windows: [],
      frontier: from,
      steps: 0,
      done: false,
      capped: false,
    };
  }

  /** Steps the rule until an occurrence starts at or after `until` (or the rule ends, or MAX_STEPS, or the year 9999 does). */
  private expand(e: Expansion, until: number): void {
    while (!e.done && (e.windows.length === 0 || e.windows[e.windows.length - 1].start < until)) {
      const next = e.steps++ < MAX_STEPS ? e.iterator.next() : null;
      if (!next || next.year > 9999) {
        e.done = true;
        e.capped = e.steps > MAX_STEPS;
        return;
      }
      e.frontier = localMs(next);
      if (e.skipFirst) {
        e.skipFirst = false;
        continue;
      }
      const local = next.toString();
      if (this.exdates.has(local)) continue;
      const start = localToInstant(local, this.spec.timezone);
      const end = occurrenceEnd(start, this.duration);
      if (end > LAST_INSTANT) {
        e.done = true;
        return;
      }
      e.windows.push({ start: start.toMillis(), end });
    }
  }

  /**
   * Where coverage ends for good: the last occurrence's end, or null when the rule never ends (or too far to tell).
   * An UNTIL rule is expanded from a period before UNTIL, then from further back (doubling) while that finds no
   * occurrence (a rule may skip periods: 29 February, the 31st).
   */
  lastEnd(): number | null {
    if (!this.rule.isFinite()) return null;
    const untilMs = this.rule.until ? localMs(this.rule.until) : undefined;
    for (let back = 1; ; back *= 2) {
      const from = untilMs === undefined ? -Infinity : this.seekPoint(untilMs - back * this.periodMs());
      const e = this.startAt(from);
      this.expand(e, Infinity);
      if (e.steps > MAX_STEPS) return null;
      if (e.windows.length > 0 || !Number.isFinite(from)) return e.windows.reduce((last, w) => Math.max(last, w.end), this.firstStart);
    }
  }

  /** The rule's period in ms, roughly for MONTHLY and YEARLY (only where to start looking depends on it). */
  private periodMs(): number {
    if (!this.period) return 0;
    return this.period.unit === 'ms' ? this.period.amount : this.period.amount * 31 * 86_400_000;
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
