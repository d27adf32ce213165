import { InvalidQueryError } from '../common/errors/domain-errors';
import type { TrackerStreamFilter } from './domain/live-message';
import type { ResumeFrom } from './live.service';

/** The message format, for the OpenAPI descriptions (docs/live.md says the same at length). */
export const STREAM_FORMAT = [
  'Messages: `id: <cursor>`, `event: created | updated | deleted`, `data: <JSON>` (the event as its GET returns it;',
  'for `deleted`, `{ "id": ... }`). The stream opens with `retry:` and an id-only line carrying the starting cursor;',
  'a `: keep-alive` comment comes every 15 s. Resume with the `Last-Event-ID` header or `?since=<cursor>`: every',
  'change after it is sent, at least once, in order (a duplicate has the same id). The server may end a stream with',
  '`event: end` and `data: { "reason": "overflow" | "shutdown" | "unavailable", "cursor": ... }`: reconnect and',
  'resume from that cursor.',
].join(' ');

/** The filters of a validated query. */
export function trackerFilterOf(q: TrackerStreamFilter): TrackerStreamFilter {
  const filter: TrackerStreamFilter = {};
  if (q.service !== undefined) filter.service = q.service;
  if (q.environment !== undefined) filter.environment = q.environment;
  if (q.type !== undefined) filter.type = q.type;
  if (q.status !== undefined) filter.status = q.status;
  if (q.priority !== undefined) filter.priority = q.priority;
  return filter;
}

/** Last-Event-ID (what an EventSource sends when it reconnects) wins over `since` (what the first URL had). */
export function resumeOf(lastEventId: unknown, since: string | undefined): ResumeFrom | undefined {
  if (lastEventId !== undefined && lastEventId !== '') {
    if (typeof lastEventId !== 'string') throw InvalidQueryError.param('Last-Event-ID', 'must be given once');
    return { name: 'Last-Event-ID', value: lastEventId.trim() };
  }
  return since === undefined ? undefined : { name: 'since', value: since };
}
