import { InvalidInputError } from '../../platform/errors/domain-errors';
import { searchWindow } from '../../platform/validation/date-range';
import { DAY_MS } from './domain/dora';

export const DEFAULT_WINDOW_DAYS = 30;
export const MAX_WINDOW_DAYS = 366;
/**
 * How far before the window start insights read deployments and changes: to find each service's previous
 * successful deployment, and the changes the first deployments of the window ship (docs/insights.md).
 */
export const LOOKBACK_DAYS = 90;

const MINUTE_MS = 60_000;
/** The last instant ISO 8601 writes with a four-digit year: widening past it would answer `+010000-...`. */
const LAST_FOUR_DIGIT_YEAR_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * [from, to) from the request: `to` defaults to now (a bare-date `to` covers its whole UTC day), `from` to
 * 30 days before `to`. Empty or longer than 366 days (judged on the times as given): 400 naming the field. The
 * window is widened to whole minutes (`to` up, `from` down; a default `from` is 30 days before the widened `to`):
 * requests whose windows differ by seconds (each "now", or a client's clock) share one answer, and the answer's
 * `window` says what it covers (at most a minute more at each end).
 */
export function resolveWindow(fromText: string | undefined, toText: string | undefined, now: Date): { from: Date; to: Date } {
  const w = searchWindow(fromText, toText);
  const exactTo = (w.before ?? w.to ?? now).getTime();
  const to = Math.min(Math.ceil(exactTo / MINUTE_MS) * MINUTE_MS, Math.max(exactTo, LAST_FOUR_DIGIT_YEAR_MS));
  const exactFrom = w.from?.getTime() ?? to - DEFAULT_WINDOW_DAYS * DAY_MS;
  if (exactTo <= exactFrom) throw InvalidInputError.field(toText ? 'to' : 'from', toText ? 'must be after from' : 'must be before now');
  if (exactTo - exactFrom > MAX_WINDOW_DAYS * DAY_MS)
    throw InvalidInputError.field(toText ? 'to' : 'from', `the window must span at most ${MAX_WINDOW_DAYS} days`);
  return { from: new Date(Math.floor(exactFrom / MINUTE_MS) * MINUTE_MS), to: new Date(to) };
}
