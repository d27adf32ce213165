import { InvalidQueryError, UnauthenticatedError } from '../../platform/errors/domain-errors';
import { toProblem } from '../../platform/errors/problem';
import { correlationIdOf } from '../../platform/http/correlation-id';
import type { TrackerStreamFilter } from './domain/live-message';
import type { ResumeFrom } from './live.service';

/** The message format, for the OpenAPI descriptions (docs/live.md says the same at length). */
export const STREAM_FORMAT = [
  'Messages: `id: <cursor>`, `event: created | updated | deleted`, `data: <JSON>` (the event as its GET returns it;',
  'for `deleted`, `{ "id": ... }`); on tracker streams also `event: lock.acquired` with the lock as GET /locks/{id} returns it',
  '(a waiter in its line became the holder; filtered by service and environment only). The stream opens with `retry:` and an id-only line carrying the starting cursor;',
  'a `: keep-alive` comment comes every 15 s. Resume with the `Last-Event-ID` header or `?since=<cursor>`: every',
  'change after it is sent, at least once, in order (a duplicate has the same id). The server may end a stream with',
  '`event: end` and `data: { "reason": "overflow" | "shutdown" | "unavailable", "cursor": ... }`: reconnect and',
  'resume from that cursor. A stream opened with a verified bearer token that expires ends at its expiry with',
  '`event: problem` and the 401 problem. At most STREAMS_MAX_PER_CALLER streams (default 50, SSE and gRPC, tracker',
  'and activity together) per caller per instance: one more answers 429 naming the quota, with Retry-After.',
].join(' ');

/** The last message's body of an SSE stream whose token expired: the 401 problem (Astra's problems/4 on Astra routes). */
export function expiredTokenProblem(request: { id?: unknown; raw?: { id?: unknown } }, astra: boolean): () => unknown {
  return () => toProblem(new UnauthenticatedError(false, 'The bearer token has expired.'), astra, correlationIdOf(request)).body;
}

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
