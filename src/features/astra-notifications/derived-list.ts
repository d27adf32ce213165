import type { FieldFilter } from '../../astra/list-filter';
import type { ListQuery, ListSpec } from '../../astra/list-query';
import { ListResponse, toListResponse } from '../../astra/list-response';
import type { ActivityEventRecord } from '../activity-log';
import { InvalidQueryError } from '../../platform/errors/domain-errors';

/** For each derived id field: the event id a value names (undefined when it names none). */
export type DerivedFields = Record<string, (value: string) => string | undefined>;

/** Matches no event: ids are UUIDs, never empty. */
const NO_EVENT = '';

/**
 * A list query over a resource derived from events, whose ids are masks of the event id (notification-ids.ts),
 * as the same query over the events. A derived id field is stored nowhere, so `eq` on it becomes `eq` on the
 * event id it names, other operators are refused (a masked id has no order or substrings that mean anything in
 * the store), and so is ordering by it. The resource's own conditions (destination, unread...) are the activity
 * log's to add (ActivityLogService.listWithDestination).
 */
export function toEventListQuery(q: ListQuery, derived: DerivedFields): ListQuery {
  if (derived[q.orderBy.field]) {
    throw InvalidQueryError.param(
      'orderBy',
      `cannot order by '${q.orderBy.field}' (a derived id); order by eventTime, sequenceCount or another field`,
    );
  }
  const filters = q.filters.map((f): FieldFilter => {
    const eventIdOf = derived[f.field];
    if (!eventIdOf) return f;
    if (f.op !== 'eq') throw InvalidQueryError.param('filter', `'${f.field}' supports only eq`);
    return { ...f, value: eventIdOf(f.value) ?? NO_EVENT };
  });
  return { ...q, filters };
}

/** The value at a dotted path of a stored record (the continue position is taken from the stored value). */
export function valueAt(record: object | undefined, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), record);
}

/** The list envelope of event-derived resources; continue positions are the stored event's (value, _id). */
export function listEnvelope<T extends object>(
  rows: ActivityEventRecord[],
  map: (r: ActivityEventRecord) => T & { id: string },
  q: ListQuery,
  spec: ListSpec,
  meta: { type: string; version: string; total?: number },
): ListResponse {
  const items = rows.map(map);
  const byId = new Map(items.map((item, i) => [item.id, rows[i]]));
  const orderPath = spec.fields[q.orderBy.field].path ?? q.orderBy.field;
  return toListResponse(items as unknown as Record<string, unknown>[], q, spec, {
    ...meta,
    orderValue: (item) => valueAt(byId.get(item.id as string), orderPath),
    id: (item) => byId.get(item.id as string)!._id,
  });
}
