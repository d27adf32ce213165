import { InvalidQueryError } from '../platform/errors/domain-errors';
import { conditionFor } from './filter-condition';
import type { ListQuery, ListSpec } from './list-query';

/**
 * A parsed list query as a plain Mongo find: runs unchanged on MongoDB and FerretDB (only $and, $or, the $gt/$lt
 * family, $ne, $regex and $in are used).
 *
 * Keyset pagination: the sort is (order field, idPath) in one direction and the continue position is
 * "strictly after (value, id)" in that sort, so an item seen on one page can never reappear and one that
 * existed when the walk began can never be skipped, whatever is inserted meanwhile. Items with the order
 * field null or missing are placed the way MongoDB sorts them (first ascending, last descending), and the
 * position condition follows that, so they are walked too.
 */

export interface MongoListQuery {
  /** filters AND continue position: the page query */
  filter: Record<string, unknown>;
  /** filters only: what metadata.count counts */
  countFilter: Record<string, unknown>;
  sort: Record<string, 1 | -1>;
  skip: number;
  /** q.limit + 1: the extra row only tells toListResponse that there is a next page */
  limit: number;
}

function and(conditions: Record<string, unknown>[]): Record<string, unknown> {
  if (conditions.length === 0) return {};
  return conditions.length === 1 ? conditions[0] : { $and: conditions };
}

function afterPosition(orderPath: string, idPath: string, desc: boolean, after: { value: unknown; id: string }): Record<string, unknown> {
  const beyond = desc ? '$lt' : '$gt';
  const idBeyond = { [idPath]: { [beyond]: after.id } };
  if (orderPath === idPath) return idBeyond;
  if (after.value === null || after.value === undefined) {
    // null/missing sort lowest: ascending, every non-null value still follows; descending, nothing does.
    const sameNull = { [orderPath]: null, ...idBeyond };
    return desc ? sameNull : { $or: [sameNull, { [orderPath]: { $ne: null } }] };
  }
  const branches: Record<string, unknown>[] = [{ [orderPath]: { [beyond]: after.value } }, { [orderPath]: after.value, ...idBeyond }];
  if (desc) branches.push({ [orderPath]: null });
  return { $or: branches };
}

export function toMongoQuery(q: ListQuery, spec: ListSpec): MongoListQuery {
  const conditions = q.filters.map((f) => {
    const def = spec.fields[f.field];
    if (!def) throw InvalidQueryError.param('filter', `unknown field '${f.field}'`);
    const result = conditionFor(f, def.type, def.path ?? f.field);
    if ('reason' in result) throw InvalidQueryError.param('filter', result.reason);
    return result.condition;
  });
  const orderDef = spec.fields[q.orderBy.field];
  if (!orderDef) throw InvalidQueryError.param('orderBy', `cannot order by '${q.orderBy.field}'`);
  const orderPath = orderDef.path ?? q.orderBy.field;
  const dir = q.orderBy.desc ? -1 : 1;
  const sort: Record<string, 1 | -1> = { [orderPath]: dir };
  if (orderPath !== spec.idPath) sort[spec.idPath] = dir;

  let position: Record<string, unknown>[] = [];
  if (q.after) {
    const value = orderDef.type === 'time' && typeof q.after.value === 'string' ? new Date(q.after.value) : q.after.value;
    position = [afterPosition(orderPath, spec.idPath, q.orderBy.desc, { value, id: q.after.id })];
  }
  return { filter: and([...conditions, ...position]), countFilter: and(conditions), sort, skip: q.skip, limit: q.limit + 1 };
}
