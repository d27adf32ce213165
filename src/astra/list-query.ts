import { InvalidItem, InvalidQueryError } from '../platform/errors/domain-errors';
import {
  FILTER_FIELD,
  FILTER_OPS,
  FILTER_VALUE_CHARS,
  QUERY_COUNT,
  QUERY_INCLUDE,
  QUERY_LIMIT,
  QUERY_ORDER_BY,
  QUERY_SKIP,
  TYPE_BASE64_DATA,
} from './astra-patterns';
import { decodeContinueToken } from './continue-token';
import { conditionFor } from './filter-condition';
import type { FieldFilter, FieldType, FilterOp } from './list-filter';

/**
 * Astra collection query parameters (the Astra Control API reference, section 2), parsed once for every list endpoint.
 *
 * Choices where the published spec is silent or loose (all covered by list-query.spec.ts):
 * - Each parameter is checked against its published pattern; every bad parameter is reported at once in
 *   problems/5 `invalidParams` (name = the parameter, reason = why). Unknown parameters win: problems/6 lists
 *   them all. A standard parameter other than `filter` given twice is problems/5.
 * - `filter` may be repeated and each value may hold comma-separated conditions; all are AND-ed. Values are
 *   read quote to quote (the value alphabet has no `'`), so commas and spaces inside quotes are data. One or
 *   more spaces (or a literal `%20`) separate tokens; spaces after a separating comma are tolerated. Field
 *   paths may carry `[*]` (`destinations[*]` = `destinations`).
 * - Operators by field type: string eq/lt/gt/lte/gte (byte order) and `in` (case-sensitive substring, as the
 *   toolkit's "partial" match); number and time eq/lt/gt/lte/gte (values '-1.5', '2024-01-31T12:00:00Z');
 *   string[] eq (has the element) and `in` (an element contains it); object[] eq with a JSON object of strings
 *   (see filter-condition.ts). Anything else is problems/5 naming `filter`.
 * - `skip=0` is accepted (the pattern requires >= 1, but 0 is unambiguous); skip counts from the continue
 *   position when both are given. `skip` above 2^31-1 is refused.
 * - No `limit` = a page of `maxLimit`; a larger `limit` is clamped to `maxLimit` (not refused), with
 *   metadata.continue telling the client there is more.
 * - `orderBy` also accepts dotted paths; only scalar fields (string, number, time) can be ordered.
 * - `continue=` (empty) means "from the start", so clients can always echo `metadata.continue ?? ''`. A space
 *   in the token is read as `+` (an unencoded `+` in a query string arrives as a space).
 * - Non-string raw values (gRPC requests) are accepted: numbers become strings, `true` becomes 'true',
 *   `false`/undefined/null mean "absent".
 */

export interface ListSpec {
  /** Fields usable in filter and orderBy (dotted paths allowed, e.g. 'data.ttl', 'metadata.creationTimestamp',
   *  'metadata.labels.name'), each with its type and its storage path in the Mongo document (default: same). */
  fields: Record<string, { type: FieldType; path?: string }>;
  /** Top-level resource fields allowed in include (in resource order). */
  includable: string[];
  defaultOrder: { field: string; desc: boolean };
  /** The storage path of the unique tie-breaker (e.g. '_id'); it must hold a string. */
  idPath: string;
  /** e.g. 1000; also the page size when no limit is given */
  maxLimit: number;
  /** Query parameters the endpoint accepts besides the standard ones (otherwise unknown -> problems/6). */
  extraParams?: string[];
}
export interface ListQuery {
  include?: string[];
  limit: number;
  skip: number;
  filters: FieldFilter[];
  orderBy: { field: string; desc: boolean };
  count: boolean;
  /** decoded continue position */
  after?: { value: unknown; id: string };
}

export const STANDARD_PARAMS = ['include', 'limit', 'skip', 'filter', 'orderBy', 'count', 'continue'] as const;
const MAX_SKIP = 2 ** 31 - 1;
const ORDERABLE: readonly FieldType[] = ['string', 'number', 'time'];
const SEP = '(?: |%20)+';
const CONDITION = new RegExp(`(${FILTER_FIELD})${SEP}(${FILTER_OPS.join('|')})${SEP}'([^']*)'`, 'y');
const CONDITION_SEPARATOR = /,(?: |%20)*/y;

function valuesOf(raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null || raw === false) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  const out: string[] = [];
  for (const v of list) {
    if (typeof v === 'string') out.push(v);
    else if (typeof v === 'number' || v === true) out.push(String(v));
    else return undefined;
  }
  return out;
}

export function lookupField(name: string, spec: ListSpec): string | undefined {
  const key = name.replace(/\[\*\]/g, '');
  return Object.prototype.hasOwnProperty.call(spec.fields, key) ? key : undefined;
}

/** Splits one `filter` value into conditions; returns the reason on the first malformed or unknown one. */
function parseFilterValue(text: string, spec: ListSpec): FieldFilter[] | string {
  const filters: FieldFilter[] = [];
  let pos = 0;
  for (;;) {
    CONDITION.lastIndex = pos;
    const m = CONDITION.exec(text);
    if (!m) {
      return `malformed at character ${pos + 1}: expected field op 'value' with op one of ${FILTER_OPS.join(', ')}, conditions separated by commas`;
    }
    const [, rawField, op, value] = m;
    const field = lookupField(rawField, spec);
    if (!field) return `unknown field '${rawField}'; filterable fields: ${Object.keys(spec.fields).join(', ')}`;
    if (!FILTER_VALUE_CHARS.test(value))
      return `value '${value}' of '${rawField}' is empty or has characters outside [0-9a-zA-Z.,-_:@ {}"]`;
    const filter: FieldFilter = { field, op: op as FilterOp, value };
    const def = spec.fields[field];
    const checked = conditionFor(filter, def.type, def.path ?? field);
    if ('reason' in checked) return checked.reason;
    filters.push(filter);
    pos = CONDITION.lastIndex;
    if (pos === text.length) return filters;
    CONDITION_SEPARATOR.lastIndex = pos;
    if (!CONDITION_SEPARATOR.test(text) || CONDITION_SEPARATOR.lastIndex === text.length) {
      return `malformed at character ${pos + 1}: expected a comma and another condition after the closing quote`;
    }
    pos = CONDITION_SEPARATOR.lastIndex;
  }
}

export function parseListQuery(raw: Record<string, unknown>, spec: ListSpec): ListQuery {
  if (!spec.fields[spec.defaultOrder.field]) throw new Error(`ListSpec: defaultOrder field '${spec.defaultOrder.field}' is not in fields`);
  const accepted = new Set<string>([...STANDARD_PARAMS, ...(spec.extraParams ?? [])]);
  const unknown = Object.keys(raw).filter((k) => !accepted.has(k) && (valuesOf(raw[k]) ?? ['?']).length > 0);
  if (unknown.length) {
    throw new InvalidQueryError(
      unknown.map((name) => ({ name, reason: 'is not a supported query parameter for this list' })),
      true,
    );
  }

  const problems: InvalidItem[] = [];
  const fail = (name: string, reason: string): undefined => {
    problems.push({ name, reason });
    return undefined;
  };
  const given = new Map<string, string[]>();
  for (const name of STANDARD_PARAMS) given.set(name, valuesOf(raw[name]) ?? fail(name, 'must be a string') ?? []);
  const all = (name: (typeof STANDARD_PARAMS)[number]): string[] => given.get(name) ?? [];
  const single = (name: (typeof STANDARD_PARAMS)[number], pattern: RegExp): RegExpExecArray | undefined => {
    const values = all(name);
    if (values.length === 0) return undefined;
    if (values.length > 1) return fail(name, 'must be given at most once');
    return pattern.exec(values[0]) ?? fail(name, `must match ${pattern.source}`);
  };

  let include: string[] | undefined;
  const includeMatch = single('include', QUERY_INCLUDE);
  if (includeMatch) {
    const names = includeMatch[0].split(',');
    const bad = names.filter((n) => !spec.includable.includes(n));
    if (bad.length)
      fail('include', `unknown field ${bad.map((b) => `'${b}'`).join(', ')}; includable fields: ${spec.includable.join(', ')}`);
    else include = names;
  }

  let limit = spec.maxLimit;
  const limitMatch = single('limit', QUERY_LIMIT);
  if (limitMatch) limit = Math.min(Number(limitMatch[0]), spec.maxLimit);

  let skip = 0;
  const skipMatch = all('skip').join() === '0' ? undefined : single('skip', QUERY_SKIP);
  if (skipMatch) {
    skip = Number(skipMatch[0]);
    if (skip > MAX_SKIP) fail('skip', `must be at most ${MAX_SKIP}`);
  }

  const filters: FieldFilter[] = [];
  let filtersValid = true;
  for (const text of all('filter')) {
    const parsed = parseFilterValue(text, spec);
    if (typeof parsed === 'string') {
      filtersValid = false;
      fail('filter', parsed);
    } else filters.push(...parsed);
  }

  let orderBy = { ...spec.defaultOrder };
  let orderValid = true;
  const orderMatch = single('orderBy', QUERY_ORDER_BY);
  if (orderMatch) {
    const field = lookupField(orderMatch[1], spec);
    const orderable = Object.keys(spec.fields).filter((f) => ORDERABLE.includes(spec.fields[f].type));
    if (!field || !ORDERABLE.includes(spec.fields[field].type)) {
      orderValid = false;
      fail('orderBy', `cannot order by '${orderMatch[1]}'; orderable fields: ${orderable.join(', ')}`);
    } else orderBy = { field, desc: orderMatch[0] !== orderMatch[1] };
  } else if (all('orderBy').length > 0) orderValid = false;

  const count = single('count', QUERY_COUNT) !== undefined;

  let after: ListQuery['after'];
  const tokenValues = all('continue').map((t) => t.replace(/ /g, '+'));
  if (tokenValues.length > 1) fail('continue', 'must be given at most once');
  else if (tokenValues.length === 1 && tokenValues[0] !== '') {
    if (!TYPE_BASE64_DATA.test(tokenValues[0])) fail('continue', `must be base64 matching ${TYPE_BASE64_DATA.source}`);
    else if (filtersValid && orderValid) {
      const decoded = decodeContinueToken(
        tokenValues[0],
        { orderField: orderBy.field, desc: orderBy.desc, filters },
        spec.fields[orderBy.field].type,
      );
      if ('reason' in decoded) fail('continue', decoded.reason);
      else after = decoded.after;
    }
  }

  if (problems.length) throw new InvalidQueryError(problems);
  return { ...(include ? { include } : {}), limit, skip, filters, orderBy, count, ...(after ? { after } : {}) };
}
