import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { prefix, wellFormed } from '../../../platform/validation/text';
import { isZone, SpecError } from './freeze-windows';

/** The most VEVENTs one import takes; one more is a 413. */
export const MAX_IMPORT_EVENTS = 10_000;

/** One VEVENT read as a freeze definition (no scope yet: the import's query parameters add it). */
export type ImportedWindow = {
  uid: string;
  name: string;
  reason?: string;
  allDay: boolean;
} & (
  | { kind: 'once'; start: number; end: number }
  | { kind: 'recurring'; timezone: string; localStart: string; rrule: string; duration: string; exdates: string[] }
);

export class TooManyEventsError extends Error {}

const fmt = "yyyy-MM-dd'T'HH:mm:ss";

/** An ICAL.Time as a local date-time in `zone` (converting a UTC time, keeping a floating or TZID one as written). */
function localIn(t: ICAL.Time, zone: string): string {
  if (t.zone === ICAL.Timezone.utcTimezone) return DateTime.fromMillis(t.toJSDate().getTime(), { zone }).toFormat(fmt);
  const copy = t.clone();
  copy.isDate = false;
  return copy.toString().slice(0, 19);
}

/** ical.js parses a property's value when it is first read, and throws a bare Error for one it cannot read: named here. */
function readProperty<T>(field: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof SpecError) throw err;
    throw new SpecError(field, `cannot be read (${wellFormed(prefix((err as Error).message, 200))})`);
  }
}

function instant(local: string, zone: string): number {
  return DateTime.fromISO(local, { zone }).toMillis();
}

/**
 * Reads a text/calendar body: each VEVENT with its UID, SUMMARY, DESCRIPTION, DTSTART (TZID, UTC, floating or an
 * all-day DATE), DTEND or DURATION, RRULE and EXDATE. Floating and all-day times are read in `zone`. Throws a
 * SpecError naming the VEVENT and property, or TooManyEventsError.
 */
export function readCalendar(text: string, zone: string): ImportedWindow[] {
  // Counted on the text first: a calendar over the limit is refused before ical.js builds its components.
  const begins = text.match(/^BEGIN:VEVENT\r?$/gim)?.length ?? 0;
  if (begins > MAX_IMPORT_EVENTS) throw new TooManyEventsError(`${begins} VEVENTs (at most ${MAX_IMPORT_EVENTS})`);
  let root: ICAL.Component;
  try {
    const parsed: unknown = ICAL.parse(text);
    root = new ICAL.Component(parsed as unknown[]);
  } catch (err) {
    throw new SpecError('body', `is not an iCalendar text (${(err as Error).message})`);
  }
  if (root.name !== 'vcalendar') throw new SpecError('body', 'must be a VCALENDAR');
  const events = root.getAllSubcomponents('vevent');
  if (events.length === 0) throw new SpecError('body', 'has no VEVENT');
  if (events.length > MAX_IMPORT_EVENTS) throw new TooManyEventsError(`${events.length} VEVENTs (at most ${MAX_IMPORT_EVENTS})`);
  const seen = new Set<string>();
  return events.map((event, i) => {
    const at = (prop: string) => `VEVENT[${i}].${prop}`;
    const value = (prop: string): unknown => readProperty(at(prop.toUpperCase()), () => event.getFirstPropertyValue(prop));
    const uid = value('uid');
    if (typeof uid !== 'string' || uid.length === 0) throw new SpecError(at('UID'), 'is required');
    if (seen.has(uid)) throw new SpecError(at('UID'), `repeats ${JSON.stringify(uid)} (a RECURRENCE-ID override is not supported)`);
    seen.add(uid);
    const summary = value('summary');
    const description = value('description');
    const dtstartProp = event.getFirstProperty('dtstart');
    const dtstart = readProperty(at('DTSTART'), () => dtstartProp?.getFirstValue());
    if (!dtstartProp || !(dtstart instanceof ICAL.Time)) throw new SpecError(at('DTSTART'), 'is required');
    const tzid = dtstartProp.getParameter('tzid');
    const eventZone = typeof tzid === 'string' ? tzid : zone;
    if (!isZone(eventZone)) throw new SpecError(at('DTSTART.TZID'), `${JSON.stringify(tzid)} is not an IANA time zone`);
    const allDay = dtstart.isDate;
    const localStart = localIn(dtstart, eventZone);
    let duration: string;
    const dtend = value('dtend');
    const durationValue = value('duration');
    if (dtend instanceof ICAL.Time) {
      const endLocal = localIn(dtend, eventZone);
      const days = allDay
        ? Math.round(DateTime.fromISO(endLocal, { zone: 'UTC' }).diff(DateTime.fromISO(localStart, { zone: 'UTC' }), 'days').days)
        : 0;
      if (allDay) duration = `P${days}D`;
      else {
        const seconds = Math.round((instant(endLocal, eventZone) - instant(localStart, eventZone)) / 1000);
        duration = `PT${seconds}S`;
      }
      if (allDay ? days <= 0 : instant(endLocal, eventZone) <= instant(localStart, eventZone))
        throw new SpecError(at('DTEND'), 'must be after DTSTART');
    } else if (durationValue instanceof ICAL.Duration) {
      if (durationValue.isNegative) throw new SpecError(at('DURATION'), 'must be positive');
      duration = durationValue.toString();
    } else {
      // RFC 5545: an all-day event without an end lasts the day; a timed one, no time at all (refused: nothing to freeze).
      if (!allDay) throw new SpecError(at('DTEND'), 'or DURATION is required for a timed event');
      duration = 'P1D';
    }
    const rrule = value('rrule');
    const exdates = event
      .getAllProperties('exdate')
      .flatMap((p): unknown[] => readProperty(at('EXDATE'), (): unknown[] => p.getValues()))
      .filter((v): v is ICAL.Time => v instanceof ICAL.Time)
      .map((v) => (v.isDate ? `${v.toString()}T${localStart.slice(11)}` : localIn(v, eventZone)));
    const base = { uid, name: typeof summary === 'string' && summary ? prefix(summary, 200) : prefix(uid, 200), allDay };
    const reason = typeof description === 'string' && description ? prefix(description, 1000) : undefined;
    if (rrule instanceof ICAL.Recur || exdates.length > 0 || allDay || typeof tzid === 'string') {
      const rule = rrule instanceof ICAL.Recur ? rrule.toString() : 'FREQ=DAILY;COUNT=1';
      return { ...base, ...(reason ? { reason } : {}), kind: 'recurring', timezone: eventZone, localStart, rrule: rule, duration, exdates };
    }
    const start = dtstart.zone === ICAL.Timezone.utcTimezone ? dtstart.toJSDate().getTime() : instant(localStart, eventZone);
    const endMs =
      dtend instanceof ICAL.Time
        ? dtend.zone === ICAL.Timezone.utcTimezone
          ? dtend.toJSDate().getTime()
          : instant(localIn(dtend, eventZone), eventZone)
        : start + (durationValue as ICAL.Duration).toSeconds() * 1000;
    return { ...base, ...(reason ? { reason } : {}), kind: 'once', start, end: endMs };
  });
}
