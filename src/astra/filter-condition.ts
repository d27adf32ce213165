import { arrayElementsHave, containsText } from '../platform/database/portable-filters';
import { TYPE_ASTRA_TIME } from './astra-patterns';
import type { FieldFilter, FieldType, FilterOp } from './list-filter';

/**
 * Turns one parsed filter into a Mongo condition on the field's storage path. The user's value only ever
 * becomes a typed operand (string, number, Date, escaped regex source), and the keys of an object[] value
 * must be plain alphanumeric names: never an operator.
 *
 * `in` (substring) and object[] `eq '{"name":"env","value":"prod"}'` are the shapes the two stores read
 * differently; they are built by src/platform/database/portable-filters.ts (containsText, arrayElementsHave), so an
 * object[] eq's keys may be satisfied by different elements of the array.
 */

const OPS_BY_TYPE: Record<FieldType, readonly FilterOp[]> = {
  string: ['eq', 'lt', 'gt', 'lte', 'gte', 'in'],
  number: ['eq', 'lt', 'gt', 'lte', 'gte'],
  time: ['eq', 'lt', 'gt', 'lte', 'gte'],
  'string[]': ['eq', 'in'],
  'object[]': ['eq'],
};

const NUMBER = /^-?[0-9]+(\.[0-9]+)?$/;
const LABEL_KEY = /^[0-9a-zA-Z]+$/;

export type ConditionResult = { condition: Record<string, unknown> } | { reason: string };

export interface AstraTime {
  /** Millisecond-truncated instant (what a BSON Date can hold). */
  date: Date;
  /** False when the value had non-zero digits below the millisecond. */
  exact: boolean;
}

/** Parses type_astra_time, rejecting impossible calendar dates (2023-02-30). */
export function parseAstraTime(text: string): AstraTime | undefined {
  const m = TYPE_ASTRA_TIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, , fraction = ''] = m;
  const digits = fraction.padEnd(9, '0');
  const ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, +digits.slice(0, 3));
  const date = new Date(ms);
  if (date.getUTCFullYear() !== +y || date.getUTCMonth() !== +mo - 1 || date.getUTCDate() !== +d) return undefined;
  return { date, exact: /^0*$/.test(digits.slice(3)) };
}

export function parseDecimal(text: string): number | undefined {
  if (!NUMBER.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

const CMP: Record<Exclude<FilterOp, 'eq' | 'in'>, string> = { lt: '$lt', gt: '$gt', lte: '$lte', gte: '$gte' };

function compare(path: string, op: FilterOp, operand: unknown): Record<string, unknown> {
  return op === 'eq' ? { [path]: operand } : { [path]: { [CMP[op as keyof typeof CMP]]: operand } };
}

/**
 * A stored Date has millisecond precision, so a bound with finer digits is rewritten to the equivalent bound
 * on its millisecond floor F (x > F+e  <=>  x >= F+1ms  <=>  x > F; x < F+e <=> x <= F; eq never matches).
 */
function timeCondition(path: string, op: FilterOp, t: AstraTime): Record<string, unknown> {
  if (t.exact) return compare(path, op, t.date);
  switch (op) {
    case 'eq':
      return { [path]: { $in: [] } };
    case 'gt':
    case 'gte':
      return { [path]: { $gt: t.date } };
    default:
      return { [path]: { $lte: t.date } };
  }
}

function labelObject(value: string): Record<string, string> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const entries = Object.entries(parsed);
  if (entries.length === 0) return undefined;
  if (!entries.every(([k, v]) => LABEL_KEY.test(k) && typeof v === 'string')) return undefined;
  return Object.fromEntries(entries);
}

export function conditionFor(filter: FieldFilter, type: FieldType, path: string): ConditionResult {
  const { field, op, value } = filter;
  if (!OPS_BY_TYPE[type].includes(op)) {
    return { reason: `operator '${op}' is not supported on ${type} field '${field}' (use ${OPS_BY_TYPE[type].join(', ')})` };
  }
  switch (type) {
    case 'string':
      return { condition: op === 'in' ? containsText(path, value) : compare(path, op, value) };
    case 'string[]':
      return { condition: op === 'in' ? containsText(path, value) : { [path]: value } };
    case 'number': {
      const n = parseDecimal(value);
      if (n === undefined) return { reason: `'${value}' is not a number (field '${field}')` };
      return { condition: compare(path, op, n) };
    }
    case 'time': {
      const t = parseAstraTime(value);
      if (!t) return { reason: `'${value}' is not a UTC time like 2024-01-31T12:00:00Z (field '${field}')` };
      return { condition: timeCondition(path, op, t) };
    }
    case 'object[]': {
      const match = labelObject(value);
      if (!match) return { reason: `'${value}' is not a JSON object of strings like {"name":"x","value":"y"} (field '${field}')` };
      return { condition: arrayElementsHave(path, match) };
    }
  }
}
