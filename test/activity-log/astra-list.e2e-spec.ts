import mongoose, { Connection } from 'mongoose';
import type { Collection, Document } from 'mongodb';
import { parseListQuery, toListResponse, toMongoQuery } from '../../src/astra';
import { EVENT_LIKE_SPEC as SPEC } from '../support/astra-list-fixture';
import { freshDatabaseName, testStoreUri } from '../support/app-harness';

/**
 * The Astra list library against the real store (FerretDB): the Mongo filters, sorts and keyset positions
 * that toMongoQuery emits must select and order exactly what the parsed query means.
 */

interface StoredEvent {
  _id: string;
  summary: string;
  severity: string;
  sequenceCount: number;
  eventTime: Date;
  destinations: string[];
  data?: { ttl: number };
  metadata: { creationTimestamp: Date; labels: { name: string; value: string }[] };
}

const BASE = Date.parse('2024-03-01T00:00:00Z');
const SEVERITIES = ['informational', 'warning', 'critical'];

/** 20 events on 4 distinct eventTimes (ties), some without data.ttl, summaries with spaces, commas and dots. */
function original(i: number): StoredEvent {
  return {
    _id: `e-${String(i).padStart(2, '0')}`,
    summary: i % 5 === 0 ? `Disk full, node ${i}.x` : `App ${i} discovered`,
    severity: SEVERITIES[i % 3],
    sequenceCount: i + 1,
    eventTime: new Date(BASE + (i % 4) * 60_000),
    destinations: i % 2 ? ['notification', 'banner'] : ['notification'],
    ...(i % 3 === 0 ? {} : { data: { ttl: (i % 4) * 10 } }),
    metadata: {
      creationTimestamp: new Date(BASE + i * 1000 + 123),
      labels: [{ name: 'env', value: i % 2 ? 'prod' : 'dev' }],
    },
  };
}
const ORIGINALS = Array.from({ length: 20 }, (_, i) => original(i));

describe('Astra list library on the real store', () => {
  let conn: Connection;
  let events: Collection<StoredEvent>;

  beforeAll(async () => {
    conn = await mongoose.createConnection(testStoreUri(freshDatabaseName('astra_list'))).asPromise();
    events = conn.db!.collection<StoredEvent>('events');
  });
  afterAll(async () => {
    await conn?.close();
  });
  beforeEach(async () => {
    await events.deleteMany({});
    await events.insertMany(ORIGINALS.map((e) => ({ ...e })));
  });

  const toRow = (d: StoredEvent) => ({
    id: d._id,
    summary: d.summary,
    sequenceCount: d.sequenceCount,
    eventTime: d.eventTime.toISOString(),
    ...(d.data ? { data: d.data } : {}),
    metadata: { creationTimestamp: d.metadata.creationTimestamp.toISOString() },
  });
  type Row = ReturnType<typeof toRow>;
  const valueAt = (row: Record<string, unknown>, path: string) =>
    path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], row);

  async function listPage(raw: Record<string, unknown>) {
    const q = parseListQuery(raw, SPEC);
    const m = toMongoQuery(q, SPEC);
    const docs = await events
      .find(m.filter as Document)
      .sort(m.sort)
      .skip(m.skip)
      .limit(m.limit)
      .toArray();
    const total = q.count ? await events.countDocuments(m.countFilter) : undefined;
    return toListResponse(docs.map(toRow), q, SPEC, {
      type: 'application/astra-events',
      version: '1.4',
      total,
      orderValue: (r: Row) => valueAt(r, q.orderBy.field),
      id: (r: Row) => r.id,
    });
  }

  async function walk(raw: Record<string, unknown>, between?: (page: number) => Promise<void>): Promise<string[]> {
    const seen: string[] = [];
    let token: unknown;
    for (let page = 0; page < 50; page++) {
      const out = await listPage({ ...raw, ...(token ? { continue: token } : {}) });
      seen.push(...(out.items as Row[]).map((r) => r.id));
      token = out.metadata.continue;
      if (!token) return seen;
      await between?.(page);
    }
    throw new Error('walk did not end');
  }

  /** The expected order computed in JS: order value (null/missing lowest), then id, one direction. */
  function sortedIds(docs: StoredEvent[], path: string, desc: boolean): string[] {
    const key = (d: StoredEvent) => {
      const v = valueAt(d as unknown as Record<string, unknown>, path);
      return v instanceof Date ? v.getTime() : (v ?? null);
    };
    const cmp = (a: unknown, b: unknown) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : (a as number) < (b as number) ? -1 : 1);
    return [...docs].sort((a, b) => (cmp(key(a), key(b)) || cmp(a._id, b._id)) * (desc ? -1 : 1)).map((d) => d._id);
  }

  it('walks every original event exactly once with limit=3 while newer events are inserted between pages', async () => {
    let n = 0;
    const seen = await walk({ limit: '3' }, async () => {
      await events.insertOne({ ...original(100 + n), _id: `new-${n++}`, eventTime: new Date() });
    });
    expect(n).toBeGreaterThanOrEqual(6);
    expect(seen).toEqual(sortedIds(ORIGINALS, 'eventTime', true));
    expect(new Set(seen).size).toBe(20);
  });

  it('walks forward in ascending order and picks up events inserted behind the cursor exactly once', async () => {
    const inserted: string[] = [];
    const seen = await walk({ limit: '3', orderBy: 'eventTime' }, async (page) => {
      const id = `late-${page}`;
      inserted.push(id);
      await events.insertOne({ ...original(200 + page), _id: id, eventTime: new Date(BASE + 3_600_000 + page) });
    });
    const originals = seen.filter((id) => id.startsWith('e-'));
    expect(originals).toEqual(sortedIds(ORIGINALS, 'eventTime', false));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it.each([
    ['sequenceCount desc', 'sequenceCount', true],
    ['summary', 'summary', false],
    ['id desc', '_id', true],
    ['metadata.creationTimestamp', 'metadata.creationTimestamp', false],
    ['data.ttl', 'data.ttl', false],
    ['data.ttl desc', 'data.ttl', true],
  ])('walks completely and in order under orderBy=%s (ties and missing values included)', async (orderBy, path, desc) => {
    const seen = await walk({ limit: '3', orderBy });
    expect(seen).toEqual(sortedIds(ORIGINALS, path, desc));
  });

  it('applies skip after the continue position and counts before paging', async () => {
    const first = await listPage({ limit: '2', count: 'true', filter: "severity eq 'warning'" });
    const warnings = sortedIds(
      ORIGINALS.filter((e) => e.severity === 'warning'),
      'eventTime',
      true,
    );
    expect(first.metadata.count).toBe(warnings.length);
    const next = await listPage({
      limit: '2',
      skip: '1',
      count: 'true',
      filter: "severity eq 'warning'",
      continue: first.metadata.continue,
    });
    expect((next.items as Row[]).map((r) => r.id)).toEqual(warnings.slice(3, 5));
    expect(next.metadata.count).toBe(warnings.length);
  });

  it('returns include value arrays in the requested order', async () => {
    const out = await listPage({ include: 'sequenceCount,id', limit: '2', orderBy: 'sequenceCount' });
    expect(out.items).toEqual([
      [1, 'e-00'],
      [2, 'e-01'],
    ]);
  });

  const t = (i: number) => ORIGINALS[i].eventTime.toISOString();
  it.each<[string, (e: StoredEvent) => boolean]>([
    ["severity eq 'critical'", (e) => e.severity === 'critical'],
    ["summary lt 'B'", (e) => e.summary < 'B'],
    ["summary gte 'Disk'", (e) => e.summary >= 'Disk'],
    ["summary in 'full, node'", (e) => e.summary.includes('full, node')],
    ["summary in '5.x'", (e) => e.summary.includes('5.x')],
    ["summary in '.'", (e) => e.summary.includes('.')],
    ["summary in '[a]'", () => false],
    ["summary eq 'Disk full, node 10.x'", (e) => e.summary === 'Disk full, node 10.x'],
    ["sequenceCount eq '7'", (e) => e.sequenceCount === 7],
    ["sequenceCount gt '15'", (e) => e.sequenceCount > 15],
    ["sequenceCount gte '15'", (e) => e.sequenceCount >= 15],
    ["sequenceCount lt '3.5'", (e) => e.sequenceCount < 3.5],
    ["sequenceCount lte '3'", (e) => e.sequenceCount <= 3],
    ["data.ttl gt '10'", (e) => (e.data?.ttl ?? -1) > 10],
    ["data.ttl eq '0'", (e) => e.data?.ttl === 0],
    [`eventTime eq '${t(1)}'`, (e) => e.eventTime.getTime() === ORIGINALS[1].eventTime.getTime()],
    [`eventTime gt '${t(1)}'`, (e) => e.eventTime > ORIGINALS[1].eventTime],
    [`eventTime gte '${t(1)}'`, (e) => e.eventTime >= ORIGINALS[1].eventTime],
    [`eventTime lt '${t(2)}'`, (e) => e.eventTime < ORIGINALS[2].eventTime],
    [`eventTime lte '${t(2)}'`, (e) => e.eventTime <= ORIGINALS[2].eventTime],
    [`eventTime gt '${t(1).replace('Z', '0001Z')}'`, (e) => e.eventTime > ORIGINALS[1].eventTime],
    [`eventTime lte '${t(1).replace('Z', '0001Z')}'`, (e) => e.eventTime <= ORIGINALS[1].eventTime],
    [`eventTime eq '${t(1).replace('Z', '0001Z')}'`, () => false],
    ["metadata.creationTimestamp gte '2024-03-01T00:00:10.123Z'", (e) => e.metadata.creationTimestamp.getTime() >= BASE + 10_123],
    ["destinations eq 'banner'", (e) => e.destinations.includes('banner')],
    ["destinations[*] in 'ann'", (e) => e.destinations.some((d) => d.includes('ann'))],
    ["metadata.labels.name eq 'env'", () => true],
    [`metadata.labels eq '{"name":"env","value":"prod"}'`, (e) => e.metadata.labels[0].value === 'prod'],
    [`metadata.labels eq '{"value":"dev"}'`, (e) => e.metadata.labels[0].value === 'dev'],
    [`metadata.labels eq '{"name":"prod"}'`, () => false],
    ["severity eq 'warning',sequenceCount gt '5'", (e) => e.severity === 'warning' && e.sequenceCount > 5],
  ])('filter=%s selects exactly the matching events', async (filter, predicate) => {
    const out = await listPage({ filter, count: 'true' });
    const expected = sortedIds(ORIGINALS.filter(predicate), 'eventTime', true);
    expect((out.items as Row[]).map((r) => r.id)).toEqual(expected);
    expect(out.metadata.count).toBe(expected.length);
  });

  it('ANDs repeated filters on the store', async () => {
    const out = await listPage({ filter: ["destinations eq 'banner'", "summary in 'Disk'"] });
    const expected = sortedIds(
      ORIGINALS.filter((e) => e.destinations.includes('banner') && e.summary.includes('Disk')),
      'eventTime',
      true,
    );
    expect((out.items as Row[]).map((r) => r.id)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });
});
