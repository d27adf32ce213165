/**
 * The freezes calendar's date arithmetic, pure (no React). Days are the viewer's: local midnight to the next
 * local midnight in the browser's time zone (a day across a DST change is 23 or 25 hours), weeks start on
 * Monday, and a month view is the whole weeks that hold the month's days. Built with `new Date(y, m, d)`, which
 * places local dates through the zone's own rules.
 */

export type CalendarView = 'week' | 'month';

/** One thing on the calendar: a freeze window, a lock's hold or an incident (open ones have no end yet). */
export interface CalendarItem {
  kind: 'freeze' | 'lock' | 'incident';
  id: string;
  title: string;
  /** Epoch milliseconds; `end` is exclusive, null while still going on. */
  start: number;
  end: number | null;
  detail?: string;
  href?: string;
}

/** How an item meets one day: begins and ends within it, begins, ends, or spans it. */
export type DayPart = 'within' | 'starts' | 'ends' | 'spans';

export interface DayEntry {
  item: CalendarItem;
  part: DayPart;
}

const DAY_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Local midnight of a `YYYY-MM-DD` day, or undefined when it is not one. */
export function parseDay(text: string | null | undefined): Date | undefined {
  const m = DAY_KEY.exec(text ?? '');
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const day = new Date(y, mo, d);
  return day.getFullYear() === y && day.getMonth() === mo && day.getDate() === d ? day : undefined;
}

/** The `YYYY-MM-DD` of a local day. */
export function dayKey(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Local midnight `n` days after `d`'s day (calendar days, whatever their length). */
export function addDays(d: Date, n: number): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
}

/** The Monday of `d`'s week, at local midnight. */
export function startOfWeek(d: Date): Date {
  return addDays(d, -((d.getDay() + 6) % 7));
}

/** The days a view of `date` shows (whole weeks, Monday first), and the instants they span: [start, end). */
export function visibleDays(view: CalendarView, date: Date): { days: Date[]; start: Date; end: Date } {
  const first = view === 'week' ? startOfWeek(date) : startOfWeek(new Date(date.getFullYear(), date.getMonth(), 1));
  const last = view === 'week' ? addDays(first, 7) : addDays(startOfWeek(new Date(date.getFullYear(), date.getMonth() + 1, 0)), 7);
  const days: Date[] = [];
  for (let d = first; d < last; d = addDays(d, 1)) days.push(d);
  return { days, start: first, end: last };
}

/** The day the previous (-1) or next (+1) view shows: a week on, or the first of the next month. */
export function shiftDate(view: CalendarView, date: Date, step: -1 | 1): Date {
  return view === 'week' ? addDays(date, 7 * step) : new Date(date.getFullYear(), date.getMonth() + step, 1);
}

/** The items meeting each day (by `dayKey`), in start order, with how they meet it. `now` ends open items. */
export function itemsByDay(items: CalendarItem[], days: Date[], now: number): Map<string, DayEntry[]> {
  const sorted = [...items].sort((a, b) => a.start - b.start || a.title.localeCompare(b.title));
  const out = new Map<string, DayEntry[]>();
  for (const day of days) {
    const from = day.getTime();
    const until = addDays(day, 1).getTime();
    const entries: DayEntry[] = [];
    for (const item of sorted) {
      const end = item.end ?? Math.max(now, item.start + 1);
      if (!(item.start < until && end > from)) continue;
      const starts = item.start >= from;
      const ends = item.end !== null && item.end <= until;
      entries.push({ item, part: starts && ends ? 'within' : starts ? 'starts' : ends ? 'ends' : 'spans' });
    }
    out.set(dayKey(day), entries);
  }
  return out;
}
