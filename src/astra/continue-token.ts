import { createHash } from 'node:crypto';
import { TYPE_BASE64_DATA } from './astra-patterns';
import type { FieldFilter, FieldType } from './list-filter';

/**
 * The continue token: standard base64 (type_base64_data) of a small JSON object holding the keyset position
 * (the last returned item's order value and id) and the query's shape (order field, direction, a digest of the
 * filters), plus a checksum so an edited or truncated token is refused instead of silently moving the
 * position. The checksum is integrity, not secrecy: a client forging one can only page its own, already
 * authorised, query. Times travel as ISO strings and come back as Dates, exact to the millisecond (all a BSON
 * Date holds).
 */

interface TokenBody {
  /** format version */
  v: 1;
  /** order field (the ListSpec key) */
  o: string;
  /** 1 = descending */
  d: 0 | 1;
  /** filters digest */
  f: string;
  /** kind of the order value: d = time (ISO), n = number, s = string, z = null/missing */
  t: 'd' | 'n' | 's' | 'z';
  /** order value */
  k: string | number | null;
  /** tie-breaker id */
  i: string;
}

export interface TokenShape {
  orderField: string;
  desc: boolean;
  filters: FieldFilter[];
}

export type DecodedToken = { after: { value: unknown; id: string } } | { reason: string };

function digest(text: string, length: number): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, length);
}

/** Order-insensitive: `a eq '1',b eq '2'` and the same two filters repeated or swapped share tokens. */
export function filtersDigest(filters: FieldFilter[]): string {
  const canonical = filters.map((f) => JSON.stringify([f.field, f.op, f.value])).sort();
  return digest(canonical.join('\n'), 12);
}

/** A stored value as text for a message or a string key (objects as JSON, never '[object Object]'). */
function asText(value: unknown): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

function encodeValue(value: unknown, type: FieldType): Pick<TokenBody, 't' | 'k'> {
  if (value === null || value === undefined) return { t: 'z', k: null };
  if (type === 'time') {
    const date = value instanceof Date ? value : new Date(asText(value));
    if (Number.isNaN(date.getTime())) throw new Error(`continue token: order value ${asText(value)} is not a time`);
    return { t: 'd', k: date.toISOString() };
  }
  if (type === 'number') {
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(n)) throw new Error(`continue token: order value ${asText(value)} is not a number`);
    return { t: 'n', k: n };
  }
  return { t: 's', k: asText(value) };
}

export function encodeContinueToken(shape: TokenShape, orderType: FieldType, orderValue: unknown, id: string): string {
  const body: TokenBody = {
    v: 1,
    o: shape.orderField,
    d: shape.desc ? 1 : 0,
    f: filtersDigest(shape.filters),
    ...encodeValue(orderValue, orderType),
    i: id,
  };
  const json = JSON.stringify(body);
  return Buffer.from(JSON.stringify({ ...body, c: digest(json, 10) }), 'utf8').toString('base64');
}

function parseBody(token: string): (TokenBody & { c: string }) | undefined {
  if (!TYPE_BASE64_DATA.test(token)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as TokenBody & { c: string }) : undefined;
  } catch {
    return undefined;
  }
}

function decodeValue(body: TokenBody, type: FieldType): { value: unknown } | undefined {
  switch (body.t) {
    case 'z':
      return body.k === null ? { value: null } : undefined;
    case 'd': {
      if (type !== 'time' || typeof body.k !== 'string') return undefined;
      const date = new Date(body.k);
      return Number.isNaN(date.getTime()) || date.toISOString() !== body.k ? undefined : { value: date };
    }
    case 'n':
      return type === 'number' && typeof body.k === 'number' && Number.isFinite(body.k) ? { value: body.k } : undefined;
    case 's':
      return type === 'string' && typeof body.k === 'string' ? { value: body.k } : undefined;
    default:
      return undefined;
  }
}

export function decodeContinueToken(token: string, shape: TokenShape, orderType: FieldType): DecodedToken {
  const invalid = { reason: 'is not a continue token issued by this list (use metadata.continue as returned)' };
  const parsed = parseBody(token);
  if (!parsed) return invalid;
  const { c, ...body } = parsed;
  if (body.v !== 1 || typeof c !== 'string' || typeof body.i !== 'string' || digest(JSON.stringify(body), 10) !== c) return invalid;
  if (body.o !== shape.orderField || body.d !== (shape.desc ? 1 : 0)) {
    const issued = `${body.o}${body.d ? ' desc' : ''}`;
    return { reason: `was issued for orderBy '${issued}'; repeat that orderBy or start again without continue` };
  }
  if (body.f !== filtersDigest(shape.filters)) {
    return { reason: 'was issued for different filters; repeat the same filters or start again without continue' };
  }
  const value = decodeValue(body, orderType);
  if (!value) return invalid;
  return { after: { value: value.value, id: body.i } };
}
