import { dateParts, dayBounds, formatDuration, isInvertedWindow, isKnownTimeZone, parseInstant, searchWindow } from './date-range';

describe('parseInstant', () => {
  it.each([
    ['2024-01-15', '2024-01-15T00:00:00.000Z'],
    ['2024-01-15T10:00:00Z', '2024-01-15T10:00:00.000Z'],
    ['2024-01-15T10:00:00.25Z', '2024-01-15T10:00:00.250Z'],
    ['2024-01-15T10:00:00', '2024-01-15T10:00:00.000Z'],
    ['2024-01-15T10:00', '2024-01-15T10:00:00.000Z'],
    ['2024-01-15T12:00:00+02:00', '2024-01-15T10:00:00.000Z'],
    ['2024-01-15T05:30:00-0430', '2024-01-15T10:00:00.000Z'],
  ])('reads %s as %s', (input, expected) => {
    expect(parseInstant(input)?.toISOString()).toBe(expected);
  });

  it.each(['', 'yesterday', '2024-02-30', '2024-13-01', '2024-01-15T25:00:00Z', '15/01/2024', '2024-01-15T10:00:00Zjunk'])(
    'rejects %p',
    (input) => {
      expect(parseInstant(input)).toBeUndefined();
    },
  );
});

describe('searchWindow', () => {
  it('makes a bare end date cover its whole UTC day', () => {
    const w = searchWindow('2024-01-01', '2024-01-31');
    expect(w.from?.toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(w.before?.toISOString()).toBe('2024-02-01T00:00:00.000Z');
    expect(w.to).toBeUndefined();
  });

  it('keeps a timestamp end inclusive as given', () => {
    const w = searchWindow(undefined, '2024-01-31T12:00:00Z');
    expect(w).toEqual({ to: new Date('2024-01-31T12:00:00Z') });
  });

  it('detects an end before the start, but accepts a same-day bare end', () => {
    expect(isInvertedWindow(searchWindow('2024-02-01', '2024-01-31'))).toBe(true);
    expect(isInvertedWindow(searchWindow('2024-01-31T10:00:00Z', '2024-01-31T09:59:59Z'))).toBe(true);
    expect(isInvertedWindow(searchWindow('2024-01-31T18:00:00Z', '2024-01-31'))).toBe(false);
    expect(isInvertedWindow(searchWindow('2024-01-31T10:00:00Z', '2024-01-31T10:00:00Z'))).toBe(false);
  });
});

describe('dayBounds', () => {
  const now = new Date('2024-03-10T23:30:00Z');

  it('is the UTC calendar day by default', () => {
    expect(dayBounds(now)).toEqual({ start: new Date('2024-03-10T00:00:00Z'), end: new Date('2024-03-11T00:00:00Z') });
  });

  it('shifts to the zone given', () => {
    // 23:30 UTC is already 00:30 on the 11th in Paris (UTC+1 in March before DST).
    expect(dayBounds(now, 'Europe/Paris')).toEqual({ start: new Date('2024-03-10T23:00:00Z'), end: new Date('2024-03-11T23:00:00Z') });
    expect(dayBounds(now, 'America/Los_Angeles')).toEqual({
      start: new Date('2024-03-10T08:00:00Z'),
      end: new Date('2024-03-11T07:00:00Z'),
    });
  });

  it('handles a 23-hour day at a DST switch', () => {
    const { start, end } = dayBounds(new Date('2024-03-31T12:00:00Z'), 'Europe/Paris');
    expect(start.toISOString()).toBe('2024-03-30T23:00:00.000Z');
    expect(end.toISOString()).toBe('2024-03-31T22:00:00.000Z');
  });

  it('knows real zones only', () => {
    expect(isKnownTimeZone('Europe/Paris')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('dateParts and formatDuration', () => {
  it('stores the UTC month and day', () => {
    expect(dateParts(new Date('2024-01-31T23:59:59Z'))).toEqual({ yearMonth: '2024-01', day: '2024-01-31' });
  });

  it.each([
    [300_000, '5m0s'],
    [3_723_000, '1h2m3s'],
    [1_500, '1.5s'],
    [250, '250ms'],
    [0, '0s'],
    [-60_000, '-1m0s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
