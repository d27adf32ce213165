import fc from 'fast-check';
import { nastyString } from './fuzz';

/*
 * text/calendar bodies for the freezes import fuzz: VCALENDARs of a few VEVENTs whose properties are each valid,
 * broken or hostile (zones that do not exist, RRULEs ical.js cannot read, DTEND before DTSTART, missing UIDs,
 * repeated UIDs, garbage lines, unterminated components), now and then not a calendar at all.
 */

const date = fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2032-12-31T00:00:00Z'), noInvalidDate: true });
const basic = (d: Date, utc: boolean) => d.toISOString().replace(/[-:]/g, '').slice(0, 15) + (utc ? 'Z' : '');
const dateValue = date.map((d) => d.toISOString().slice(0, 10).replace(/-/g, ''));

const zone = fc.constantFrom('Europe/Paris', 'America/New_York', 'Australia/Sydney', 'UTC', 'Mars/Olympus', '', 'Europe/Paris;X=1');

/** A DTSTART or DTEND line: all-day, UTC, floating, with a TZID (real or not), or broken. */
const timeLine = (name: string) =>
  fc.oneof(
    dateValue.map((d) => `${name};VALUE=DATE:${d}`),
    date.map((d) => `${name}:${basic(d, true)}`),
    date.map((d) => `${name}:${basic(d, false)}`),
    fc.tuple(zone, date).map(([z, d]) => `${name};TZID=${z}:${basic(d, false)}`),
    nastyString.map((s) => `${name}:${String(s).replace(/[\r\n]/g, '')}`),
  );

const rrule = fc.oneof(
  fc.constantFrom(
    'FREQ=WEEKLY;BYDAY=FR',
    'FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25',
    'FREQ=DAILY;COUNT=3',
    'FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20301231T000000Z',
    'FREQ=SECONDLY',
    'FREQ=MINUTELY;INTERVAL=0',
    'FREQ=WEEKLY;BYDAY=XX',
    'FREQ=YEARLY;BYYEARDAY=400',
    'COUNT=-1',
    '',
  ),
  fc.string({ maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, '')),
);

const duration = fc.oneof(fc.constantFrom('P2DT16H', 'PT1H', 'P1W', '-PT1H', 'PT0S', 'P', 'P999999D'), fc.string({ maxLength: 10 }));

const optional = (line: fc.Arbitrary<string>) => fc.option(line, { nil: undefined });

const vevent = fc
  .record({
    uid: fc.oneof({ weight: 4, arbitrary: fc.uuid({ version: 4 }) }, { weight: 1, arbitrary: fc.constantFrom('same-uid', '') }),
    summary: optional(nastyString.map((s) => `SUMMARY:${String(s).replace(/[\r\n]/g, ' ')}`)),
    start: optional(timeLine('DTSTART')),
    end: fc.oneof(
      optional(timeLine('DTEND')),
      duration.map((d) => `DURATION:${d}`),
    ),
    rrule: optional(rrule.map((r) => `RRULE:${r}`)),
    exdate: optional(
      fc.oneof(
        timeLine('EXDATE'),
        dateValue.map((d) => `EXDATE;VALUE=DATE:${d}`),
      ),
    ),
    garbage: optional(fc.oneof(fc.constantFrom('BEGIN:VALARM', 'END:VTODO', ' folded', ':', 'X-;=:'), fc.string({ maxLength: 20 }))),
  })
  .map((e) => {
    const lines = ['BEGIN:VEVENT', `UID:${e.uid}`, e.summary, e.start, e.end, e.rrule, e.exdate, e.garbage, 'END:VEVENT'];
    return lines.filter((l): l is string => l !== undefined);
  });

/** A VEVENT a calendar tool would export: all-day or timed, maybe weekly, every property valid. */
const cleanVevent = fc
  .tuple(fc.uuid({ version: 4 }), dateValue, date, fc.boolean(), fc.constantFrom(undefined, 'FREQ=WEEKLY;BYDAY=FR', 'FREQ=YEARLY'))
  .map(([uid, day, at, allDay, rule]) => [
    'BEGIN:VEVENT',
    `UID:${uid}`,
    'SUMMARY:Freeze',
    ...(allDay ? [`DTSTART;VALUE=DATE:${day}`] : [`DTSTART;TZID=Europe/Paris:${basic(at, false)}`, 'DURATION:PT8H']),
    ...(rule ? [`RRULE:${rule}`] : []),
    'END:VEVENT',
  ]);

/**
 * A whole text/calendar body: a clean calendar of 1 to 3 VEVENTs, or a VCALENDAR of 0 to 4 generated (mostly
 * broken) VEVENTs, sometimes cut short, or not a calendar at all.
 */
export const hostileCalendar: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(cleanVevent, { minLength: 1, maxLength: 3 })
      .map((events) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//fuzz//EN', ...events.flat(), 'END:VCALENDAR'].join('\r\n')),
  },
  {
    weight: 8,
    arbitrary: fc.tuple(fc.array(vevent, { maxLength: 4 }), fc.nat(9), fc.constantFrom('\r\n', '\n')).map(([events, cut, eol]) => {
      const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//fuzz//EN', ...events.flat(), 'END:VCALENDAR'];
      // One in ten loses its tail (an unterminated component).
      return (cut === 0 ? lines.slice(0, Math.max(1, lines.length - 2)) : lines).join(eol);
    }),
  },
  { weight: 1, arbitrary: nastyString.map(String) },
  { weight: 1, arbitrary: fc.constantFrom('', 'BEGIN:VCALENDAR', 'BEGIN:VEVENT\r\nEND:VEVENT', 'END:VCALENDAR\r\nBEGIN:VCALENDAR') },
);
