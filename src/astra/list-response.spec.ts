import { EVENT_LIKE_SPEC as SPEC } from '../../test/support/astra-list-fixture';
import { toMongoQuery } from './list-mongo';
import { ListQuery, parseListQuery } from './list-query';
import { toListResponse } from './list-response';

type Row = { id: string; summary: string; eventTime: string; sequenceCount: number; data?: { ttl?: number } };
const row = (i: number, eventTime = `2024-01-0${1 + (i % 3)}T00:00:00.${String(i).padStart(3, '0')}Z`): Row => ({
  id: `id-${String(i).padStart(2, '0')}`,
  summary: `s${i}`,
  eventTime,
  sequenceCount: i,
});
const envelope = (total?: number) => ({
  type: 'application/astra-events',
  version: '1.4',
  total,
  orderValue: (r: Row) => r.eventTime,
  id: (r: Row) => r.id,
});

describe('toListResponse envelope', () => {
  const q = (raw: Record<string, unknown> = {}): ListQuery => parseListQuery(raw, SPEC);

  it('returns the resources with empty metadata when everything fits', () => {
    const rows = [row(1), row(2)];
    expect(toListResponse(rows, q({ limit: '2' }), SPEC, envelope())).toEqual({
      type: 'application/astra-events',
      version: '1.4',
      items: rows,
      metadata: {},
    });
  });

  it('drops the look-ahead row and issues a continue token for the last returned one', () => {
    const rows = [row(1), row(2), row(3)];
    const out = toListResponse(rows, q({ limit: '2' }), SPEC, envelope());
    expect(out.items).toEqual(rows.slice(0, 2));
    expect(Object.keys(out.metadata)).toEqual(['continue']);
    expect(out.metadata.continue).toMatch(/^([A-Za-z0-9+/]{4})*(([A-Za-z0-9+/]{2})==|([A-Za-z0-9+/]{3})=)?$/);
    const next = parseListQuery({ limit: '2', continue: out.metadata.continue }, SPEC);
    expect(next.after).toEqual({ value: new Date(row(2).eventTime), id: 'id-02' });
  });

  it.each([
    [{ count: 'true' }, 7, { count: 7 }],
    [{ count: 'true' }, 0, { count: 0 }],
    [{}, 7, {}],
  ])('%j with total %d -> metadata %j', (raw, total, metadata) => {
    expect(toListResponse([row(1)], q(raw), SPEC, envelope(total)).metadata).toEqual(metadata);
  });

  it('refuses count without a total (a caller bug)', () => {
    expect(() => toListResponse([], q({ count: 'true' }), SPEC, envelope())).toThrow(/no total/);
  });

  it('turns each item into the included values, in the requested order, null for absent fields', () => {
    const rows = [row(1), { ...row(2), severity: 'warning' }];
    const out = toListResponse(rows, q({ include: 'sequenceCount,severity,id' }), SPEC, envelope());
    expect(out.items).toEqual([
      [1, null, 'id-01'],
      [2, 'warning', 'id-02'],
    ]);
  });

  it('only ever uses metadata keys type_astra_metadata_list allows', () => {
    const out = toListResponse([row(1), row(2)], q({ limit: '1', count: 'true' }), SPEC, envelope(2));
    const allowed = ['continue', 'count', 'labels', 'creationTimestamp', 'modificationTimestamp', 'createdBy', 'modifiedBy'];
    expect(Object.keys(out.metadata).every((k) => allowed.includes(k))).toBe(true);
  });
});

/**
 * A reference evaluator for exactly the operators toMongoQuery emits, with MongoDB's ordering (null/missing
 * lowest). It lets the keyset walk be checked as pure logic here; test/activity-log/astra-list.e2e-spec.ts runs the same
 * walks on the real store.
 */
type Doc = Record<string, unknown>;
const get = (doc: Doc, path: string): unknown => path.split('.').reduce<unknown>((v, k) => (v as Doc | undefined)?.[k], doc);
const norm = (v: unknown) => (v instanceof Date ? v.getTime() : (v ?? null));
function cmp(a: unknown, b: unknown): number {
  const [x, y] = [norm(a), norm(b)];
  if (x === y) return 0;
  if (x === null) return -1;
  if (y === null) return 1;
  return (x as number | string) < (y as number | string) ? -1 : 1;
}
function matches(doc: Doc, filter: Doc): boolean {
  return Object.entries(filter).every(([key, cond]) => {
    if (key === '$and') return (cond as Doc[]).every((c) => matches(doc, c));
    if (key === '$or') return (cond as Doc[]).some((c) => matches(doc, c));
    const value = get(doc, key);
    if (cond === null || typeof cond !== 'object' || cond instanceof Date) return cmp(value, cond) === 0;
    return Object.entries(cond as Doc).every(([op, operand]) => {
      const c = cmp(value, operand);
      const comparable = value !== null && value !== undefined && operand !== null;
      switch (op) {
        case '$gt':
          return comparable && c > 0;
        case '$gte':
          return comparable && c >= 0;
        case '$lt':
          return comparable && c < 0;
        case '$lte':
          return comparable && c <= 0;
        case '$ne':
          return c !== 0;
        default:
          throw new Error(`reference evaluator: ${op}`);
      }
    });
  });
}
function find(docs: Doc[], m: ReturnType<typeof toMongoQuery>): Doc[] {
  const keys = Object.entries(m.sort);
  const sorted = docs
    .filter((d) => matches(d, m.filter))
    .sort((a, b) => {
      for (const [k, dir] of keys) {
        const c = cmp(get(a, k), get(b, k));
        if (c) return c * dir;
      }
      return 0;
    });
  return sorted.slice(m.skip, m.skip + m.limit);
}

describe('keyset walk (reference evaluator)', () => {
  const toDoc = (r: Row): Doc => ({ ...r, _id: r.id, eventTime: new Date(r.eventTime) });
  const toRow = (d: Doc): Row => ({ ...(d as Row), eventTime: (d.eventTime as Date).toISOString() });
  function walk(docs: Doc[], raw: Record<string, unknown>, between?: (page: number) => void): string[] {
    const seen: string[] = [];
    let token: unknown;
    for (let page = 0; page < 100; page++) {
      const q = parseListQuery({ ...raw, ...(token ? { continue: token } : {}) }, SPEC);
      const rows = find(docs, toMongoQuery(q, SPEC)).map(toRow);
      const out = toListResponse(rows, q, SPEC, {
        ...envelope(),
        orderValue: (r: Row) => get(r, q.orderBy.field),
      });
      seen.push(...(out.items as Row[]).map((r) => r.id));
      token = out.metadata.continue;
      if (!token) return seen;
      between?.(page);
    }
    throw new Error('walk did not end');
  }
  const expectedOrder = (docs: Doc[], raw: Record<string, unknown>) =>
    find(docs, { ...toMongoQuery(parseListQuery(raw, SPEC), SPEC), limit: Infinity }).map((d) => d._id as string);

  // 20 events on 3 distinct times: heavy ties in the order field.
  const docs = Array.from({ length: 20 }, (_, i) => toDoc(row(i, `2024-01-0${1 + (i % 3)}T00:00:00Z`)));

  it.each([1, 2, 3, 7, 19, 20, 25])('sees every event exactly once, in order, with limit %d', (limit) => {
    const seen = walk(docs, { limit: String(limit) });
    expect(seen).toEqual(expectedOrder(docs, {}));
    expect(new Set(seen).size).toBe(20);
  });

  it.each(['eventTime', 'sequenceCount desc', 'summary', 'id desc'])('walks completely under orderBy=%s', (orderBy) => {
    expect(walk(docs, { limit: '3', orderBy })).toEqual(expectedOrder(docs, { orderBy }));
  });

  it.each(['data.ttl', 'data.ttl desc'])('walks items whose order value is missing too (orderBy=%s)', (orderBy) => {
    const mixed = docs.map((d, i) => (i % 4 === 0 ? d : { ...d, data: { ttl: i % 5 } }));
    const seen = walk(mixed, { limit: '3', orderBy });
    expect(seen).toEqual(expectedOrder(mixed, { orderBy }));
    expect(new Set(seen).size).toBe(20);
  });

  it('sees each pre-existing event once while newer events arrive between pages', () => {
    const live = [...docs];
    const seen = walk(live, { limit: '3' }, (page) => {
      live.push(toDoc(row(50 + page, `2025-01-01T00:00:0${page % 10}Z`)));
    });
    expect(seen).toEqual(expectedOrder(docs, {}));
  });

  it('applies skip after the continue position', () => {
    const first = parseListQuery({ limit: '2' }, SPEC);
    const out = toListResponse(find(docs, toMongoQuery(first, SPEC)).map(toRow), first, SPEC, envelope());
    const next = parseListQuery({ limit: '2', skip: '3', continue: out.metadata.continue }, SPEC);
    const ids = find(docs, toMongoQuery(next, SPEC))
      .slice(0, 2)
      .map((d) => d._id);
    expect(ids).toEqual(expectedOrder(docs, {}).slice(5, 7));
  });
});
