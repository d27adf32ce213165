import { addDays, type CalendarItem, dayKey, itemsByDay, parseDay, shiftDate, startOfWeek, visibleDays } from './calendar';

/* The tests run with TZ=UTC (jest's environment); the browser tests cover another zone. */
describe('the freezes calendar (web/src/calendar.ts)', () => {
  it('reads and writes local days, refusing what is not one', () => {
    expect(dayKey(parseDay('2027-05-14')!)).toBe('2027-05-14');
    expect(parseDay('2027-02-30')).toBeUndefined();
    expect(parseDay('2027-5-1')).toBeUndefined();
    expect(parseDay(null)).toBeUndefined();
  });

  it('weeks start on Monday; a month view is the whole weeks holding the month', () => {
    expect(dayKey(startOfWeek(parseDay('2027-05-16')!))).toBe('2027-05-10'); // a Sunday
    expect(dayKey(startOfWeek(parseDay('2027-05-10')!))).toBe('2027-05-10');
    const week = visibleDays('week', parseDay('2027-05-14')!);
    expect(week.days.map(dayKey)).toEqual([
      '2027-05-10',
      '2027-05-11',
      '2027-05-12',
      '2027-05-13',
      '2027-05-14',
      '2027-05-15',
      '2027-05-16',
    ]);
    expect(dayKey(week.end)).toBe('2027-05-17');
    // May 2027: Saturday 1st to Monday 31st, so Monday 26 April to Sunday 6 June: six weeks.
    const month = visibleDays('month', parseDay('2027-05-20')!);
    expect(month.days).toHaveLength(42);
    expect([dayKey(month.start), dayKey(month.end)]).toEqual(['2027-04-26', '2027-06-07']);
    // February 2027 starts on a Monday and ends on a Sunday: four weeks.
    expect(visibleDays('month', parseDay('2027-02-10')!).days).toHaveLength(28);
  });

  it('steps by a week or to the first of the next month', () => {
    expect(dayKey(shiftDate('week', parseDay('2027-05-14')!, 1))).toBe('2027-05-21');
    expect(dayKey(shiftDate('month', parseDay('2027-01-31')!, 1))).toBe('2027-02-01');
    expect(dayKey(shiftDate('month', parseDay('2027-01-31')!, -1))).toBe('2026-12-01');
    expect(dayKey(addDays(parseDay('2027-12-31')!, 1))).toBe('2028-01-01');
  });

  it('puts an item in every day it meets, saying how it meets each', () => {
    const at = (s: string) => Date.parse(s);
    const weekend: CalendarItem = {
      kind: 'freeze',
      id: 'f',
      title: 'Weekend',
      start: at('2027-05-14T18:00:00Z'),
      end: at('2027-05-17T06:00:00Z'),
    };
    const night: CalendarItem = {
      kind: 'lock',
      id: 'l',
      title: 'Hold',
      start: at('2027-05-12T20:00:00Z'),
      end: at('2027-05-12T22:00:00Z'),
    };
    const open: CalendarItem = { kind: 'incident', id: 'i', title: 'Down', start: at('2027-05-15T10:00:00Z'), end: null };
    const { days } = visibleDays('week', parseDay('2027-05-14')!);
    const byDay = itemsByDay([weekend, night, open], days, at('2027-05-16T12:00:00Z'));
    const parts = (key: string) => byDay.get(key)!.map((e) => `${e.item.id}:${e.part}`);
    expect(parts('2027-05-11')).toEqual([]);
    expect(parts('2027-05-12')).toEqual(['l:within']);
    expect(parts('2027-05-14')).toEqual(['f:starts']);
    expect(parts('2027-05-15')).toEqual(['f:spans', 'i:starts']);
    expect(parts('2027-05-16')).toEqual(['f:spans', 'i:spans']);
    // The window ends at 06:00 on Monday, which is the next week; an open incident runs to now only.
    expect(byDay.get('2027-05-17')).toBeUndefined();
    const next = itemsByDay([weekend, open], visibleDays('week', parseDay('2027-05-17')!).days, at('2027-05-16T12:00:00Z'));
    expect(next.get('2027-05-17')!.map((e) => `${e.item.id}:${e.part}`)).toEqual(['f:ends']);
  });
});
