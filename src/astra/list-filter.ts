/**
 * One parsed `filter` condition of an Astra list query and the field types it applies to: the vocabulary the
 * query parser (list-query.ts), the Mongo conditions (filter-condition.ts) and the continue token
 * (continue-token.ts) share, kept apart so that none of them imports another's types back.
 */
export type FilterOp = 'eq' | 'lt' | 'gt' | 'lte' | 'gte' | 'in';
export type FieldType = 'string' | 'number' | 'time' | 'string[]' | 'object[]';
export interface FieldFilter {
  field: string;
  op: FilterOp;
  value: string;
}
