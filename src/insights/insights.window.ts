import { InvalidInputError } from '../common/errors/domain-errors';
import { searchWindow } from '../tracker-events/domain/date-range';
import { DAY_MS } from './domain/dora';

export const DEFAULT_WINDOW_DAYS = 30;
export const MAX_WINDOW_DAYS = 366;
/**
 * How far before the window start insights read deployments and changes: to find each service's previous
 * successful deployment, and the changes the first deployments of the window ship (docs/insights.md).
 */
export const LOOKBACK_DAYS = 90;

/**
 * [from, to) from the request: `to` defaults to now (a bare-date `to` covers its whole UTC day), `from` to
 * 30 days before `to`. Empty or longer than 366 days: 400 naming the field.
 */
export function resolveWindow(fromText: string | undefined, toText: string | undefined, now: Date): { from: Date; to: Date } {
  const w = searchWindow(fromText, toText);
  const to = w.before ?? w.to ?? now;
  const from = w.from ?? new Date(to.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS);
  if (to.getTime() <= from.getTime())
    throw InvalidInputError.field(toText ? 'to' : 'from', toText ? 'must be after from' : 'must be before now');
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS)
    throw InvalidInputError.field(toText ? 'to' : 'from', `the window must span at most ${MAX_WINDOW_DAYS} days`);
  return { from, to };
}
