import { encodeContinueToken } from './continue-token';
import type { ListQuery, ListSpec } from './list-query';

/**
 * The Astra list envelope. metadata holds only keys type_astra_metadata_list allows (it has
 * additionalProperties:false): `continue` when a next page exists, `count` when count=true; otherwise {}.
 * With include, each item is an array of the requested fields in the requested order; a field the resource
 * does not carry is null there (JSON arrays cannot have holes).
 */
export interface ListEnvelope<T> {
  type: string;
  version: string;
  /** total matching the filters (run countFilter); required when q.count */
  total?: number;
  /** The row's order-field value as stored (time fields: a Date or an ISO/Astra time string); undefined only
   *  when the stored document lacks the field, or the next page would restart among the missing values. */
  orderValue: (row: T) => unknown;
  /** the row's tie-breaker value (what idPath holds) */
  id: (row: T) => string;
}

export interface ListResponse {
  type: string;
  version: string;
  items: unknown[];
  metadata: Record<string, unknown>;
}

export function toListResponse<T extends Record<string, unknown>>(
  rows: T[],
  q: ListQuery,
  spec: ListSpec,
  envelope: ListEnvelope<T>,
): ListResponse {
  const page = rows.slice(0, q.limit);
  const metadata: Record<string, unknown> = {};
  if (rows.length > q.limit) {
    const last = page[page.length - 1];
    const shape = { orderField: q.orderBy.field, desc: q.orderBy.desc, filters: q.filters };
    metadata.continue = encodeContinueToken(shape, spec.fields[q.orderBy.field].type, envelope.orderValue(last), envelope.id(last));
  }
  if (q.count) {
    if (envelope.total === undefined) throw new Error('toListResponse: q.count is set but no total was passed');
    metadata.count = envelope.total;
  }
  const include = q.include;
  const items = include ? page.map((row) => include.map((field) => row[field] ?? null)) : page;
  return { type: envelope.type, version: envelope.version, items, metadata };
}
