import type { Role } from '../../../auth/roles';

/** Which API a mutation belongs to: tracker events or the Astra activity log. */
export type LiveStream = 'tracker' | 'activity';
/** A tracker event's mutation, or (tracker streams) a waiter in a lock's line becoming its holder. */
export type LiveKind = 'created' | 'updated' | 'deleted' | 'lock.acquired';

/**
 * One logged mutation as the hub, the bus and the streams carry it (plain JSON, so it crosses NATS unchanged).
 * `position` is its place in the live log: dense (every number from the first to the last is a mutation) and
 * the stream cursor.
 */
export interface LiveMessage {
  position: number;
  stream: LiveStream;
  kind: LiveKind;
  /** The event's id. */
  key: string;
  /** When it was logged (epoch ms). */
  at: number;
  /** The event as its GET returns it, or `{ id }` for a deletion. */
  data: Record<string, unknown>;
  /** Activity events only: who may read it (the activity log's rule: account, role among visibleTo, not expired). */
  access?: { accountId: string; visibleTo: string[]; expiresAt: number };
}

/** The filters of a tracker stream: the search's equality filters. */
export interface TrackerStreamFilter {
  service?: string;
  environment?: number;
  type?: number;
  status?: number;
  priority?: number;
}

/**
 * Whether a tracker subscriber with `filter` gets `msg`. A deletion carries only the id (the event is gone), so
 * every tracker subscriber gets it: a client that never saw the id drops it.
 */
export function matchesTracker(msg: LiveMessage, filter: TrackerStreamFilter): boolean {
  if (msg.stream !== 'tracker') return false;
  if (msg.kind === 'deleted') return true;
  // A lock (the lock as GET /locks/{id} returns it) has a service and an environment, no type, status or priority.
  if (msg.kind === 'lock.acquired')
    return (
      (filter.service === undefined || msg.data.service === filter.service) &&
      (filter.environment === undefined || msg.data.environment === filter.environment)
    );
  const attributes = (msg.data.attributes ?? {}) as Record<string, unknown>;
  for (const field of ['service', 'environment', 'type', 'status', 'priority'] as const) {
    const wanted = filter[field];
    if (wanted !== undefined && attributes[field] !== wanted) return false;
  }
  return true;
}

/**
 * Whether an activity subscriber (account, role) may receive `msg` at `now`: the same rule as every activity
 * read (ActivityEventRepository's `readable`): its account, its role among the event's visibleTo, not expired.
 */
export function matchesActivity(msg: LiveMessage, scope: { accountId: string; role: Role }, now: number): boolean {
  const access = msg.access;
  if (msg.stream !== 'activity' || !access) return false;
  return access.accountId === scope.accountId && access.visibleTo.includes(scope.role) && access.expiresAt > now;
}

/** A cursor is a live-log position in decimal: 0 (before the first mutation) or a positive integer. */
const CURSOR = /^(0|[1-9][0-9]{0,14})$/;

/** The position a cursor names, or undefined when it is not a cursor. */
export function parseCursor(text: unknown): number | undefined {
  if (typeof text !== 'string' || !CURSOR.test(text)) return undefined;
  return Number(text);
}

export function formatCursor(position: number): string {
  return String(position);
}
