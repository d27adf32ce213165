import fc from 'fast-check';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import {
  compile,
  CompiledFreeze,
  coverage,
  coveringWindow,
  FreezeSpec,
  nextAllowedAt,
  parseDuration,
  parseRule,
  RecurringSpec,
  SpecError,
  windowsOverlapping,
} from './freeze-windows';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const ms = (iso: string) => Date.parse(iso);
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

const weekend = (timezone: string, start: string): RecurringSpec => ({
  kind: 'recurring',
  timezone,
  start,
  rrule: 'FREQ=WEEKLY;BYDAY=FR',
  duration: 'P2DT16H',
  exdates: [],
});

/** Friday 16:00 to Monday 08:00 on the wall clock of `zone`: the oracle, read from the local time alone. */
function inWeekendOnWallClock(t: number, zone: string): boolean {
  const local = DateTime.fromMillis(t, { zone });
  const minuteOfWeek = ((local.weekday - 1) * 24 + local.hour) * 60 + local.minute; // Monday 00:00 = 0
  const fri16 = (4 * 24 + 16) * 60;
  const mon08 = 8 * 60;
  return minuteOfWeek >= fri16 || minuteOfWeek < mon08;
}

const covered = (freezes: CompiledFreeze[], t: number) => freezes.some((f) => coveringWindow(f, t) !== undefined);

/** Brute force: the first minute at or after `from` no freeze covers (null past `limit`). */
function bruteNextAllowed(freezes: CompiledFreeze[], from: number, limit: number): number | null {
  for (let t = from; t <= limit; t += MINUTE) if (!covered(freezes, t)) return t;
  return null;
}

describe('freeze windows across DST (every minute of the change week against the wall clock)', () => {
  // Each row: a zone, a Friday the weekly window starts from, and a week containing a DST change.
  const rows: Array<[string, string, string]> = [
    ['Europe/Paris', '2027-01-01T16:00:00', '2027-03-22T00:00:00Z'], // spring forward Sunday 28 March
    ['Europe/Paris', '2027-01-01T16:00:00', '2027-10-25T00:00:00Z'], // fall back Sunday 31 October
    ['America/New_York', '2027-01-01T16:00:00', '2027-03-08T00:00:00Z'], // 14 March
    ['America/New_York', '2027-01-01T16:00:00', '2027-11-01T00:00:00Z'], // 7 November
    ['Australia/Sydney', '2027-01-01T16:00:00', '2027-03-29T00:00:00Z'], // ends Sunday 4 April
    ['Australia/Sydney', '2027-01-01T16:00:00', '2027-09-27T00:00:00Z'], // starts Sunday 3 October
  ];

  it.each(rows)('%s weekly Friday 16:00 + P2DT16H, the week of %s', (zone, start, weekOf) => {
    const freeze = compile(weekend(zone, start));
    const from = ms(weekOf);
    for (let t = from; t < from + 8 * DAY; t += MINUTE) {
      if (covered([freeze], t) !== inWeekendOnWallClock(t, zone))
        throw new Error(`${zone} at ${iso(t)}: covered=${covered([freeze], t)} but the wall clock says otherwise`);
    }
  });

  it.each(rows)('%s: every window starts Friday 16:00 and ends Monday 08:00 local (%s)', (zone, start, weekOf) => {
    const freeze = compile(weekend(zone, start));
    const windows = windowsOverlapping(freeze, ms(weekOf) - 7 * DAY, ms(weekOf) + 14 * DAY);
    expect(windows.length).toBeGreaterThanOrEqual(3);
    for (const w of windows) {
      expect(DateTime.fromMillis(w.start, { zone }).toFormat('ccc HH:mm')).toBe('Fri 16:00');
      expect(DateTime.fromMillis(w.end, { zone }).toFormat('ccc HH:mm')).toBe('Mon 08:00');
    }
  });

  it('the Paris spring weekend is one hour shorter and the autumn one an hour longer (days nominal, hours exact)', () => {
    const freeze = compile(weekend('Europe/Paris', '2027-01-01T16:00:00'));
    const [spring] = windowsOverlapping(freeze, ms('2027-03-27T00:00:00Z'), ms('2027-03-27T00:00:01Z'));
    const [autumn] = windowsOverlapping(freeze, ms('2027-10-30T00:00:00Z'), ms('2027-10-30T00:00:01Z'));
    expect([iso(spring.start), iso(spring.end)]).toEqual(['2027-03-26T15:00:00.000Z', '2027-03-29T06:00:00.000Z']);
    expect((spring.end - spring.start) / HOUR).toBe(63);
    expect([iso(autumn.start), iso(autumn.end)]).toEqual(['2027-10-29T14:00:00.000Z', '2027-11-01T07:00:00.000Z']);
    expect((autumn.end - autumn.start) / HOUR).toBe(65);
  });
});

describe('window arithmetic (tables)', () => {
  it('an all-day occurrence covers its whole local date (P1D from 00:00), 23 hours on a spring-forward day', () => {
    const day = compile({
      kind: 'recurring',
      timezone: 'Europe/Paris',
      start: '2027-03-28T00:00:00',
      rrule: 'FREQ=YEARLY',
      duration: 'P1D',
      exdates: [],
    });
    const [w] = windowsOverlapping(day, ms('2027-03-28T12:00:00Z'), ms('2027-03-28T12:00:01Z'));
    expect([iso(w.start), iso(w.end)]).toEqual(['2027-03-27T23:00:00.000Z', '2027-03-28T22:00:00.000Z']);
    expect(coveringWindow(day, ms('2027-03-27T22:59:59Z'))).toBeUndefined();
    expect(coveringWindow(day, ms('2027-03-28T22:00:00Z'))).toBeUndefined();
    // The next year's occurrence, on the same date.
    expect(iso(windowsOverlapping(day, ms('2028-03-28T12:00:00Z'), ms('2028-03-28T12:00:01Z'))[0].start)).toBe('2028-03-27T22:00:00.000Z');
  });

  it('EXDATE removes exactly the named occurrence', () => {
    const spec: RecurringSpec = { ...weekend('Europe/Paris', '2027-01-01T16:00:00'), exdates: ['2027-01-08T16:00:00'] };
    const freeze = compile(spec);
    expect(coveringWindow(freeze, ms('2027-01-02T12:00:00Z'))).toBeDefined();
    expect(coveringWindow(freeze, ms('2027-01-09T12:00:00Z'))).toBeUndefined();
    expect(coveringWindow(freeze, ms('2027-01-16T12:00:00Z'))).toBeDefined();
  });

  it('COUNT and UNTIL end the coverage; a rule without an end has none', () => {
    expect(coverage(compile({ ...weekend('UTC', '2027-01-01T16:00:00'), rrule: 'FREQ=WEEKLY;COUNT=2' }))).toEqual({
      from: ms('2027-01-01T16:00:00Z'),
      until: ms('2027-01-11T08:00:00Z'),
    });
    // UNTIL in UTC is read in the zone: 15:00Z on 8 January is 16:00 in Paris, so the 8th is the last.
    const until = coverage(compile({ ...weekend('Europe/Paris', '2027-01-01T16:00:00'), rrule: 'FREQ=WEEKLY;UNTIL=20270108T150000Z' }));
    expect(iso(until.until)).toBe('2027-01-11T07:00:00.000Z');
    expect(coverage(compile(weekend('UTC', '2027-01-01T16:00:00'))).until).toBeNull();
  });

  it.each<[string, FreezeSpec, string]>([
    ['end before start', { kind: 'once', start: 10, end: 5 }, 'end'],
    ['unknown zone', { ...weekend('Mars/Olympus', '2027-01-01T16:00:00') }, 'timezone'],
    ['bad rrule', { ...weekend('UTC', '2027-01-01T16:00:00'), rrule: 'FREQ=SOMETIMES' }, 'rrule'],
    ['rrule without FREQ', { ...weekend('UTC', '2027-01-01T16:00:00'), rrule: 'BYDAY=FR' }, 'rrule'],
    ['minutely', { ...weekend('UTC', '2027-01-01T16:00:00'), rrule: 'FREQ=MINUTELY' }, 'rrule'],
    ['bad duration', { ...weekend('UTC', '2027-01-01T16:00:00'), duration: '2 days' }, 'duration'],
    ['zero duration', { ...weekend('UTC', '2027-01-01T16:00:00'), duration: 'PT0S' }, 'duration'],
    ['start with offset', { ...weekend('UTC', '2027-01-01T16:00:00+01:00') }, 'start'],
  ])('refuses %s naming %s', (_name, spec, field) => {
    expect(() => compile(spec)).toThrow(SpecError);
    try {
      compile(spec);
    } catch (err) {
      expect((err as SpecError).field).toBe(field);
    }
  });

  it('parses durations as RFC 5545 reads them', () => {
    expect(parseDuration('P2DT16H')).toEqual({ days: 2, ms: 16 * HOUR });
    expect(parseDuration('P1W')).toEqual({ days: 7, ms: 0 });
    expect(parseDuration('PT90M')).toEqual({ days: 0, ms: 90 * MINUTE });
  });

  it.each<[string, Array<[string, string]>, string, string | null]>([
    ['nothing covers', [], '2027-01-01T00:00:00Z', '2027-01-01T00:00:00.000Z'],
    ['inside one window', [['2027-01-01T00:00:00Z', '2027-01-01T02:00:00Z']], '2027-01-01T01:00:00Z', '2027-01-01T02:00:00.000Z'],
    [
      'overlapping windows chain',
      [
        ['2027-01-01T00:00:00Z', '2027-01-01T02:00:00Z'],
        ['2027-01-01T01:00:00Z', '2027-01-01T05:00:00Z'],
      ],
      '2027-01-01T00:30:00Z',
      '2027-01-01T05:00:00.000Z',
    ],
    [
      'touching windows chain',
      [
        ['2027-01-01T00:00:00Z', '2027-01-01T02:00:00Z'],
        ['2027-01-01T02:00:00Z', '2027-01-01T03:00:00Z'],
      ],
      '2027-01-01T00:30:00Z',
      '2027-01-01T03:00:00.000Z',
    ],
    [
      'a window that starts later does not matter',
      [['2027-01-02T00:00:00Z', '2027-01-03T00:00:00Z']],
      '2027-01-01T00:00:00Z',
      '2027-01-01T00:00:00.000Z',
    ],
  ])('nextAllowedAt: %s', (_name, windows, at, expected) => {
    const freezes = windows.map(([s, e]) => compile({ kind: 'once', start: ms(s), end: ms(e) }));
    expect(iso(nextAllowedAt(freezes, ms(at)))).toBe(expected);
  });

  it('nextAllowedAt waits for another reason (a lock) and then for a freeze starting meanwhile', () => {
    const freeze = compile({ kind: 'once', start: ms('2027-01-01T01:00:00Z'), end: ms('2027-01-01T04:00:00Z') });
    expect(iso(nextAllowedAt([freeze], ms('2027-01-01T00:00:00Z'), ms('2027-01-01T02:00:00Z')))).toBe('2027-01-01T04:00:00.000Z');
  });

  it('nextAllowedAt is null for a freeze that never lets go', () => {
    const always = compile({
      kind: 'recurring',
      timezone: 'UTC',
      start: '2027-01-01T00:00:00',
      rrule: 'FREQ=DAILY',
      duration: 'P1D',
      exdates: [],
    });
    expect(nextAllowedAt([always], ms('2027-02-01T00:00:00Z'), undefined, 40 * DAY)).toBeNull();
  });

  it('nextAllowedAt after a Paris weekend across the spring change is Monday 08:00 local', () => {
    const freeze = compile(weekend('Europe/Paris', '2027-01-01T16:00:00'));
    expect(iso(nextAllowedAt([freeze], ms('2027-03-27T12:00:00Z')))).toBe('2027-03-29T06:00:00.000Z');
  });
});

describe('window arithmetic (properties against minute stepping)', () => {
  const base = ms('2027-03-20T00:00:00Z');
  const windowArb = fc.record({ startMin: fc.integer({ min: 0, max: 3 * 24 * 60 }), lengthMin: fc.integer({ min: 1, max: 12 * 60 }) });

  it('nextAllowedAt over random overlapping one-off windows equals the first uncovered minute', () => {
    fc.assert(
      fc.property(fc.array(windowArb, { maxLength: 8 }), fc.integer({ min: 0, max: 4 * 24 * 60 }), (ws, atMin) => {
        const freezes = ws.map((w) =>
          compile({ kind: 'once', start: base + w.startMin * MINUTE, end: base + (w.startMin + w.lengthMin) * MINUTE }),
        );
        const at = base + atMin * MINUTE;
        expect(nextAllowedAt(freezes, at)).toBe(bruteNextAllowed(freezes, at, at + 10 * DAY));
      }),
      { numRuns: 200 },
    );
  });

  it('recurring windows in random zones, hours and durations: coverage equals the wall-clock oracle and nextAllowedAt the first uncovered minute', () => {
    const zones = ['Europe/Paris', 'America/New_York', 'Australia/Sydney', 'UTC'];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 6 * 24 * 60 }),
        (zone, hour, hours, atMin) => {
          const hh = String(hour).padStart(2, '0');
          // Daily at hh:00 local for `hours` exact hours, from 1 March: the March DST changes fall inside.
          const spec: RecurringSpec = {
            kind: 'recurring',
            timezone: zone,
            start: `2027-03-01T${hh}:00:00`,
            rrule: 'FREQ=DAILY',
            duration: `PT${hours}H`,
            exdates: [],
          };
          const freeze = compile(spec);
          const at = ms('2027-03-10T00:00:00Z') + atMin * MINUTE;
          const oracle = (t: number) => {
            // Covered when some local day's hh:00 (placed by luxon) started less than `hours` hours before t.
            for (let back = 0; back <= 3; back++) {
              const day = DateTime.fromMillis(t, { zone }).startOf('day').minus({ days: back });
              const s = day.set({ hour }).toMillis();
              if (s <= t && t < s + hours * HOUR && day >= DateTime.fromISO('2027-03-01', { zone })) return true;
            }
            return false;
          };
          for (let t = at; t < at + 6 * HOUR; t += 7 * MINUTE) expect(covered([freeze], t)).toBe(oracle(t));
          if (hours >= 24) return; // always covered: no answer within the horizon to compare
          expect(nextAllowedAt([freeze], at)).toBe(bruteNextAllowed([freeze], at, at + 3 * DAY));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('expansion far from DTSTART (it starts a whole number of periods later, never from every occurrence since)', () => {
  /** The oracle: ical.js stepped from DTSTART (no jump), each local start placed by luxon, EXDATEs removed (UNTIL read in the zone by parseRule). */
  function stepped(spec: RecurringSpec, from: number, to: number): Array<[string, string]> {
    const duration = parseDuration(spec.duration);
    const out: Array<[string, string]> = [];
    const it = parseRule(spec.rrule, spec.timezone).iterator(ICAL.Time.fromDateTimeString(spec.start));
    const longest = (duration.days + 2) * DAY + duration.ms; // an occurrence's length plus any zone's offset, at most
    for (let next = it.next(); next; next = it.next()) {
      // Placed by luxon only near the range (the floating time is within a day of the instant).
      const floating = Date.UTC(next.year, next.month - 1, next.day, next.hour, next.minute, next.second);
      if (floating < from - longest) continue;
      const local = next.toString();
      const start = DateTime.fromISO(local, { zone: spec.timezone });
      if (start.toMillis() >= to) break;
      const end = (duration.days ? start.plus({ days: duration.days }) : start).toMillis() + duration.ms;
      if (end > from && !spec.exdates.includes(local)) out.push([iso(start.toMillis())!, iso(end)!]);
    }
    return out;
  }
  const windowsOf = (freeze: CompiledFreeze, from: number, to: number) =>
    windowsOverlapping(freeze, from, to).map((w) => [iso(w.start), iso(w.end)]);

  const rules = [
    'FREQ=HOURLY;INTERVAL=7',
    'FREQ=DAILY',
    'FREQ=DAILY;INTERVAL=3;BYDAY=MO,TU,WE',
    'FREQ=DAILY;BYMONTHDAY=31',
    'FREQ=WEEKLY;BYDAY=FR',
    'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,SA;WKST=SU',
    'FREQ=WEEKLY;INTERVAL=3',
    'FREQ=MONTHLY;BYDAY=-1FR',
    'FREQ=MONTHLY;INTERVAL=5;BYMONTHDAY=1,15',
    'FREQ=MONTHLY;INTERVAL=7',
    'FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1',
    'FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24,25,31',
    'FREQ=YEARLY;INTERVAL=3;BYMONTH=2,8',
    'FREQ=YEARLY;BYWEEKNO=1,52;BYDAY=MO',
    'FREQ=YEARLY',
  ];
  // DTSTARTs that do not match the rule, on the 31st, on 29 February.
  const starts = ['2021-01-01T09:00:00', '2024-02-29T16:00:00', '2025-01-31T23:30:00', '2026-06-15T00:00:00', '2027-03-28T02:30:00'];

  it('answers what stepping from DTSTART answers, for every rule, start and zone, years later', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...rules),
        fc.constantFrom(...starts),
        fc.constantFrom('Europe/Paris', 'America/New_York', 'Australia/Sydney', 'UTC'),
        fc.constantFrom('PT1H', 'P2DT16H', 'P1D', 'P40D'),
        fc.integer({ min: 0, max: 12 * 365 }),
        fc.boolean(),
        (rrule, start, timezone, duration, daysLater, withUntil) => {
          const until = withUntil ? ';UNTIL=20330101T000000Z' : '';
          const spec: RecurringSpec = { kind: 'recurring', timezone, start, rrule: rrule + until, duration, exdates: [] };
          const from = DateTime.fromISO(start, { zone: timezone }).toMillis() + daysLater * DAY;
          const freeze = compile(spec);
          // Twice: the second question reuses (or restarts) the kept expansion.
          for (const at of [from, from - 400 * DAY]) expect(windowsOf(freeze, at, at + 45 * DAY)).toEqual(stepped(spec, at, at + 45 * DAY));
          if (withUntil)
            expect(iso(coverage(freeze).until)).toBe(
              stepped(spec, -Infinity, Infinity).at(-1)?.[1] ?? iso(freeze.kind === 'recurring' ? freeze.recurrence.firstStart : 0),
            );
        },
      ),
      { numRuns: 80 },
    );
  });

  it.each(rules)('%s asked about 31 December 9999 answers at once, without stepping from DTSTART', (rrule) => {
    const freeze = compile({
      kind: 'recurring',
      timezone: 'Europe/Paris',
      start: '2025-01-03T18:00:00',
      rrule,
      duration: 'P2DT16H',
      exdates: [],
    });
    const at = ms('9999-12-31T23:59:59.999Z');
    const started = performance.now();
    const w = coveringWindow(freeze, at);
    nextAllowedAt([freeze], at);
    windowsOverlapping(freeze, ms('9999-11-01T00:00:00Z'), at);
    // Not a timing assertion: stepping from 2025 is minutes for some of these rules, a jump is milliseconds.
    expect(performance.now() - started).toBeLessThan(10_000);
    if (w) expect(w.end).toBeGreaterThan(at);
  });

  it('refuses COUNT over 1,000 and INTERVAL over 10,000 (a COUNT rule is stepped from DTSTART)', () => {
    for (const rrule of ['FREQ=DAILY;COUNT=1001', 'FREQ=DAILY;INTERVAL=10001'])
      expect(() => compile({ ...weekend('UTC', '2027-01-01T16:00:00'), rrule })).toThrow(SpecError);
    expect(coverage(compile({ ...weekend('UTC', '2027-01-01T16:00:00'), rrule: 'FREQ=DAILY;COUNT=1000' })).until).toBe(
      ms('2027-01-01T16:00:00Z') + 999 * DAY + 64 * HOUR,
    );
  });
});
