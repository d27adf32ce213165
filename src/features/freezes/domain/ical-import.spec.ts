import { MAX_IMPORT_EVENTS, readCalendar, TooManyEventsError } from './ical-import';
import { SpecError } from './freeze-windows';

const calendar = (...event: string[]) =>
  ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:a', ...event, 'END:VEVENT', 'END:VCALENDAR'].join('\r\n');

function refusal(text: string): { field: string } | string {
  try {
    readCalendar(text, 'UTC');
    return 'read';
  } catch (err) {
    return err instanceof SpecError ? { field: err.field } : (err as Error).constructor.name;
  }
}

describe('readCalendar', () => {
  // Values ical.js only parses when first read (found by the REST fuzz: they were 500s).
  it.each([
    ['a DURATION that is no duration', calendar('DTSTART:20270323T181036Z', 'DURATION:c%rA^g'), 'VEVENT[0].DURATION'],
    ['an empty DURATION', calendar('DTSTART:20270323T181036Z', 'DURATION:P'), 'VEVENT[0].DURATION'],
    ['a DTSTART that is no date-time', calendar('DTSTART:x', 'DTEND:20290626T141452'), 'VEVENT[0].DTSTART'],
    ['a DTEND that is no date-time', calendar('DTSTART:20290626T141452Z', 'DTEND:tomorrow'), 'VEVENT[0].DTEND'],
    ['an EXDATE that is no date', calendar('DTSTART:20290626T141452Z', 'DURATION:PT1H', 'EXDATE:soon'), 'VEVENT[0].EXDATE'],
    ['no DTSTART', calendar('DURATION:PT1H'), 'VEVENT[0].DTSTART'],
    ['an unknown TZID', calendar('DTSTART;TZID=Mars/Olympus:20290626T141452', 'DURATION:PT1H'), 'VEVENT[0].DTSTART.TZID'],
    ['DTEND before DTSTART', calendar('DTSTART:20290626T141452Z', 'DTEND:20290626T131452Z'), 'VEVENT[0].DTEND'],
    ['no VEVENT', 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR', 'body'],
    ['no calendar', 'hello', 'body'],
  ])('refuses %s, naming the property', (_case, text, field) => {
    expect(refusal(text)).toEqual({ field });
  });

  // Found by the gRPC fuzz: ical.js's message echoed an unreadable value cut through a surrogate pair, and grpc-js
  // could not send a status message holding the lone half. Either parity of the cut is tried.
  it.each(['', 'x'])('never cuts an unreadable value through a surrogate pair (prefix %j)', (lead) => {
    const text = calendar(`DTSTART:${lead}${'\u{E0041}'.repeat(150)}`, 'DURATION:PT1H', `SUMMARY:${lead}${'\u{1F600}'.repeat(150)}`);
    let message = '';
    try {
      readCalendar(text, 'UTC');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^VEVENT\[0\]\.DTSTART: cannot be read/);
    expect(message).not.toMatch(/\p{Cs}/u);
    const named = readCalendar(calendar('DTSTART:20290626T141452Z', 'DURATION:PT1H', `SUMMARY:${lead}${'\u{1F600}'.repeat(150)}`), 'UTC');
    expect(named[0].name).not.toMatch(/\p{Cs}/u);
    expect(named[0].name.length).toBeLessThanOrEqual(200);
  });

  it(`counts VEVENTs on the text: ${MAX_IMPORT_EVENTS + 1} are too many before anything is parsed`, () => {
    const many = ['BEGIN:VCALENDAR'];
    for (let i = 0; i <= MAX_IMPORT_EVENTS; i++) many.push('BEGIN:VEVENT', 'END:VEVENT');
    many.push('this line would not parse', 'END:VCALENDAR');
    expect(() => readCalendar(many.join('\r\n'), 'UTC')).toThrow(TooManyEventsError);
  });
});
