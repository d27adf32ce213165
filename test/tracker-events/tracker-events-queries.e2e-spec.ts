import { StoreProfile } from '../../src/platform/database/store-profile';
import {
  TrackerEventCriteria,
  TrackerEventOrder,
  TrackerEventRepository,
} from '../../src/features/tracker-events/data/tracker-event.repository';
import { dayBounds } from '../../src/platform/validation/date-range';
import { startTestApp, TestApp } from '../support/app-harness';
import { http } from '../support/http';
import { CURL, runCurl } from '../support/tracker-event-examples';

const API = '/api/v1alpha1';
type Listed = { events: { id: string; title: string }[]; totalCount: number; page: number; perPage: number };

describe('tracker events: list, search, today and stats over REST', () => {
  let app: TestApp;
  const url = (path: string) => `${app.http}${API}${path}`;
  const create = async (title: string, attributes: Record<string, unknown> = {}) => {
    const res = await http('POST', url('/event'), { body: { title, attributes: { type: 1, service: 'svc', ...attributes } } });
    expect(res.status).toBe(200);
    return res.body as { id: string; createdAt: string };
  };
  const titles = async (path: string) => (await http<Listed>('GET', url(path))).body.events.map((e) => e.title).sort();

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  describe('list', () => {
    let ids: string[];
    beforeAll(async () => {
      ids = [];
      for (let i = 0; i < 23; i++) ids.push((await create(`list ${i}`, { service: 'paging' })).id);
    });

    it('pages newest first with the guide commands; page 1 and 2 do not overlap', async () => {
      const p1 = await runCurl<Listed>(CURL.listPage1, app);
      const p2 = await runCurl<Listed>(CURL.listPage2, app);
      expect(p1.status).toBe(200);
      expect(p1.body).toMatchObject({ totalCount: 23, page: 1, perPage: 10 });
      expect(p2.body).toMatchObject({ totalCount: 23, page: 2, perPage: 10 });
      const newestFirst = [...ids].reverse();
      expect(p1.body.events.map((e) => e.id)).toEqual(newestFirst.slice(0, 10));
      expect(p2.body.events.map((e) => e.id)).toEqual(newestFirst.slice(10, 20));
    });

    it('defaults to per_page 10, page 1; the last page is short and beyond it is empty', async () => {
      const def = await http<Listed>('GET', url('/events/list'));
      expect(def.body).toMatchObject({ page: 1, perPage: 10, totalCount: 23 });
      expect(def.body.events).toHaveLength(10);
      expect((await http<Listed>('GET', url('/events/list?page=3'))).body.events).toHaveLength(3);
      const beyond = await http<Listed>('GET', url('/events/list?page=9&per_page=100'));
      expect(beyond.body).toMatchObject({ events: [], totalCount: 23 });
      expect((await http<Listed>('GET', url('/events/list?per_page=100'))).body.events).toHaveLength(23);
    });
  });

  describe('search', () => {
    beforeAll(async () => {
      await create('before window', { service: 'edge', startDate: '2023-12-31T23:59:59.999Z' });
      await create('window start', { service: 'edge', startDate: '2024-01-01T00:00:00Z' });
      await create('mid january noon', { service: 'edge', startDate: '2024-01-31T12:00:00Z' });
      await create('last ms of january', { service: 'edge', startDate: '2024-01-31T23:59:59.999Z' });
      await create('february', { service: 'edge', startDate: '2024-02-01T00:00:00Z' });
      await create('P1 incident', { service: 'user-service', type: 4, priority: 1, environment: 7, startDate: '2024-01-10T08:00:00Z' });
      await create('P1 deployment', { service: 'user-service', type: 1, priority: 1, environment: 7, startDate: '2023-06-01T08:00:00Z' });
      await create('prod deployment', {
        service: 'api-service',
        type: 1,
        priority: 3,
        environment: 7,
        status: 3,
        startDate: '2024-01-12T08:00:00Z',
      });
      await create('dev deployment', { service: 'api-service', type: 1, priority: 3, environment: 1, startDate: '2024-01-12T09:00:00Z' });
    });

    it('makes both ends inclusive and a bare end_date cover the whole UTC day (guide range example)', async () => {
      const res = await runCurl<Listed>(CURL.searchRange.replace('?', '?service=edge&'), app);
      expect(res.status).toBe(200);
      expect(res.body.events.map((e) => e.title).sort()).toEqual(['last ms of january', 'mid january noon', 'window start']);
      expect(await titles('/events/search?service=edge&start_date=2024-01-01&end_date=2024-01-31T12:00:00Z')).toEqual([
        'mid january noon',
        'window start',
      ]);
      expect(await titles('/events/search?service=edge&start_date=2024-01-31T12:00:00Z&end_date=2024-01-31T12:00:00Z')).toEqual([
        'mid january noon',
      ]);
      expect(await titles('/events/search?service=edge&end_date=2023-12-31')).toEqual(['before window']);
      expect(await titles('/events/search?service=edge&start_date=2024-02-01T00:00:00%2B01:00')).toEqual([
        'february',
        'last ms of january',
      ]);
    });

    it('combines filters with AND (guide examples)', async () => {
      expect((await runCurl<Listed>(CURL.searchP1Incidents, app)).body.events.map((e) => e.title)).toEqual(['P1 incident']);
      const prod = (await runCurl<Listed>(CURL.searchProdDeployments, app)).body.events.map((e) => e.title);
      expect(prod.sort()).toEqual(['P1 deployment', 'prod deployment']);
      expect((await runCurl<Listed>(CURL.searchService, app)).body.events.map((e) => e.title).sort()).toEqual([
        'P1 deployment',
        'P1 incident',
      ]);
      expect((await runCurl<Listed>(CURL.searchHeader, app)).body.events.map((e) => e.title)).toEqual(['P1 incident']);
      expect(await titles('/events/search?type=1&environment=7&status=3')).toEqual(['prod deployment']);
    });

    it('uses the creation time when an event has no startDate, and no filter means everything', async () => {
      const { createdAt } = await create('no start date', { service: 'undated' });
      expect(await titles(`/events/search?service=undated&start_date=${createdAt.slice(0, 10)}`)).toEqual(['no start date']);
      expect(await titles(`/events/search?service=undated&end_date=2024-12-31`)).toEqual([]);
      const all = await http<Listed>('GET', url('/events/search'));
      const listed = await http<Listed>('GET', url('/events/list'));
      expect(all.body.totalCount).toBe(listed.body.totalCount);
    });

    it('pages search results newest event time first', async () => {
      const page1 = await http<Listed>('GET', url('/events/search?service=edge&per_page=2'));
      const page3 = await http<Listed>('GET', url('/events/search?service=edge&per_page=2&page=3'));
      expect(page1.body).toMatchObject({ totalCount: 5, perPage: 2, page: 1 });
      expect(page1.body.events.map((e) => e.title)).toEqual(['february', 'last ms of january']);
      expect(page3.body.events.map((e) => e.title)).toEqual(['before window']);
    });
  });

  describe('today', () => {
    it("returns the current UTC day's events (guide command)", async () => {
      const now = new Date();
      const { start, end } = dayBounds(now);
      await create('today, created now', { service: 'today' });
      await create('today, first ms', { service: 'today', startDate: start.toISOString() });
      await create('yesterday, last ms', { service: 'today', startDate: new Date(start.getTime() - 1).toISOString() });
      await create('tomorrow, first ms', { service: 'today', startDate: end.toISOString() });
      const res = await runCurl<Listed>(CURL.today, app);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ page: 1, perPage: 10 });
      expect(res.body.events[0].title).toBe('today, created now');
      const all = await http<Listed>('GET', url('/events/today?per_page=100'));
      const names = all.body.events.map((e) => e.title);
      expect(all.body.totalCount).toBe(all.body.events.length);
      expect(names).toEqual(expect.arrayContaining(['today, created now', 'today, first ms']));
      expect(names).not.toContain('yesterday, last ms');
      expect(names).not.toContain('tomorrow, first ms');
    });

    it('shifts the day to the tz zone', async () => {
      const tz = 'Pacific/Kiritimati';
      const { start, end } = dayBounds(new Date(), tz);
      await create('kiritimati first ms', { service: 'tz', startDate: start.toISOString() });
      await create('kiritimati last ms', { service: 'tz', startDate: new Date(end.getTime() - 1).toISOString() });
      await create('kiritimati yesterday', { service: 'tz', startDate: new Date(start.getTime() - 1).toISOString() });
      const res = await http<Listed>('GET', url(`/events/today?tz=${tz}&per_page=100`));
      const names = res.body.events.map((e) => e.title);
      expect(names).toEqual(expect.arrayContaining(['kiritimati first ms', 'kiritimati last ms']));
      expect(names).not.toContain('kiritimati yesterday');
      // UTC+14: the zone's day starts ten hours before the UTC day.
      expect(start.getUTCHours()).toBe(10);
    });
  });

  describe('stats', () => {
    beforeAll(async () => {
      const s = 'stats-svc';
      await create('s1', { service: s, type: 1, status: 3, environment: 7, priority: 2, startDate: '2024-03-05T10:00:00Z' });
      await create('s2', { service: s, type: 1, status: 4, environment: 7, priority: 1, startDate: '2024-03-31T23:59:59Z' });
      await create('s3', { service: s, type: 4, status: 7, environment: 6, priority: 1, startDate: '2024-04-01T00:00:00Z' });
      await create('s4', { service: s, type: 2, startDate: '2024-05-20T00:00:00Z' });
      await create('s5 out of range', { service: s, type: 5, status: 9, startDate: '2024-06-01T00:00:00Z' });
    });

    it('counts by type, status, environment, priority and month over a date range', async () => {
      const res = await http('GET', url('/events/stats?service=stats-svc&start_date=2024-03-01&end_date=2024-05-31'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        total: 4,
        byType: [
          { value: 1, count: 2 },
          { value: 2, count: 1 },
          { value: 4, count: 1 },
        ],
        byStatus: [
          { value: 3, count: 1 },
          { value: 4, count: 1 },
          { value: 7, count: 1 },
        ],
        byEnvironment: [
          { value: 6, count: 1 },
          { value: 7, count: 2 },
        ],
        byPriority: [
          { value: 1, count: 2 },
          { value: 2, count: 1 },
        ],
        byMonth: [
          { month: '2024-03', count: 2 },
          { month: '2024-04', count: 1 },
          { month: '2024-05', count: 1 },
        ],
      });
    });

    it('counts per month, following an update that moves an event', async () => {
      const monthly = await http('GET', url('/events/stats/monthly?service=stats-svc'));
      expect(monthly.body).toEqual({
        total: 5,
        byMonth: [
          { month: '2024-03', count: 2 },
          { month: '2024-04', count: 1 },
          { month: '2024-05', count: 1 },
          { month: '2024-06', count: 1 },
        ],
      });
      const { body: moved } = await http<Listed>('GET', url('/events/search?service=stats-svc&type=2'));
      await http('PUT', url('/event'), { body: { id: moved.events[0].id, attributes: { startDate: '2024-06-15T00:00:00Z' } } });
      const after = await http('GET', url('/events/stats/monthly?service=stats-svc&start_date=2024-05-01'));
      expect(after.body).toEqual({ total: 2, byMonth: [{ month: '2024-06', count: 2 }] });
    });
  });

  /*
   * The repository shapes a read by the store (StoreProfile): on MongoDB the store sorts, pages and counts
   * through its indexes; on FerretDB a filtered read is one scan paged here and the list counts its collection
   * by $count, or (embedded, on SQLite) from page statistics. Every plan runs here against the same data
   * (everything the tests above created, plus ties); the test store is FerretDB on SQLite, where all three
   * are valid, and they must agree.
   */
  describe('read plans', () => {
    beforeAll(async () => {
      for (const title of ['tie a', 'tie b', 'tie c']) await create(title, { service: 'ties', type: 2, startDate: '2024-02-02T02:02:02Z' });
    });

    it('the indexed, the scan and the embedded plan give the same pages and totals', async () => {
      // The test store is FerretDB behind MONGODB_URI, so every request above went through the scan plan.
      expect(await app.tracker.app.get(StoreProfile).scansEveryQuery()).toBe(true);
      const repository = app.tracker.app.get(TrackerEventRepository);
      const criteria: TrackerEventCriteria[] = [
        {},
        { service: 'edge' },
        { service: 'ties' },
        { type: 1, environment: 7 },
        { priority: 1 },
        { window: { from: new Date('2024-01-01T00:00:00Z'), to: new Date('2024-01-31T23:59:59.999Z') } },
        { window: { from: dayBounds(new Date()).start, before: dayBounds(new Date()).end } },
        { service: 'nothing-here' },
      ];
      const pages = [
        [0, 10],
        [10, 10],
        [1, 2],
        [20, 100],
        [500, 10],
      ];
      let compared = 0;
      for (const c of criteria) {
        for (const order of ['created', 'eventTime'] as TrackerEventOrder[]) {
          for (const [skip, limit] of pages) {
            const indexed = await repository.page(c, order, skip, limit, 'indexed');
            for (const plan of ['scan', 'embedded'] as const) {
              const other = await repository.page(c, order, skip, limit, plan);
              const seen = (r: typeof indexed) => ({ c, order, skip, limit, total: r.total, ids: r.items.map((e) => e._id.toHexString()) });
              expect({ plan, ...seen(other) }).toEqual({ plan, ...seen(indexed) });
              expect(other.items).toEqual(indexed.items);
            }
            compared += indexed.items.length;
          }
        }
      }
      expect(compared).toBeGreaterThan(100);
    });

    it('the indexed and the scan plan give the same counts per combination of dimensions', async () => {
      const repository = app.tracker.app.get(TrackerEventRepository);
      const sorted = (rows: { key: object; count: number }[]) => rows.map((r) => JSON.stringify([r.key, r.count])).sort();
      const all = ['type', 'status', 'environment', 'priority', 'month'] as const;
      for (const c of [
        {},
        { service: 'stats-svc' },
        { window: { from: new Date('2024-01-01T00:00:00Z'), before: new Date('2024-04-01T00:00:00Z') } },
      ]) {
        for (const dimensions of [all, ['month'] as const, ['status', 'priority'] as const]) {
          const indexed = await repository.countBy(c, dimensions, 'indexed');
          const scan = await repository.countBy(c, dimensions, 'scan');
          expect(sorted(scan)).toEqual(sorted(indexed));
          expect(indexed.length).toBeGreaterThan(0);
        }
      }
    });
  });
});
