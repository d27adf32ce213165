import { randomUUID } from 'node:crypto';
import { startTestApp, TestApp } from '../support/app-harness';
import { expectAstraProblem } from '../support/astra-schema';
import { eventsUrl, sampleEvent } from '../support/astra-events';
import { status } from '@grpc/grpc-js';
import { join } from 'node:path';
import { PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { bearer, mintToken } from '../support/auth';
import { expectGrpcError, grpcClient } from '../support/grpc-client';
import { http } from '../support/http';
import { rawRequest } from '../support/raw-http';

/*
 * Limits: bodies over 1 MB are 413 (Astra problems/85 on /accounts), the per-caller rate limit answers 429
 * with Retry-After (per token, else per IP), page sizes are capped, and user input reaches queries only as
 * literal values (a regex or an operator in a value matches nothing, it is not interpreted).
 */
const OVER_1MB = 'x'.repeat(1024 * 1024 + 1);

describe('limits', () => {
  let app: TestApp;
  const account = randomUUID();
  const admin = bearer(account, 'admin');

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => app?.close());

  describe('request URLs the router cannot read', () => {
    it.each(['/api/v1alpha1/event/%zz', '/api/v1alpha1/event/%FF', '/api/v1alpha1/event/%ED%A0%80', '/accounts/%/core/v1/events'])(
      '%s: 400 problem+json naming the path (answered before any route)',
      async (target) => {
        const res = await rawRequest(app.http, 'GET', target);
        expect(res.status).toBe(400);
        expect(res.response).toMatch(/content-type: application\/problem\+json/i);
        expect(res.response).toContain('"name":"path"');
      },
    );
  });

  describe('request bodies over 1 MB', () => {
    it('tracker POST and PUT: 413 problem+json', async () => {
      for (const method of ['POST', 'PUT']) {
        const res = await http(method, `${app.http}/api/v1alpha1/event`, {
          body: { title: 'big', attributes: { type: 1, service: 'limits', message: OVER_1MB } },
        });
        expect(res.status).toBe(413);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({ type: 'urn:tracker:problems:payload-too-large', status: '413' });
      }
    });

    it('Astra POST: 413 problems/85, checked before anything is stored', async () => {
      const res = await http('POST', eventsUrl(app.http, account), { body: sampleEvent({ description: OVER_1MB }), headers: admin });
      expectAstraProblem(res, 85);
      const list = await http('GET', `${eventsUrl(app.http, account)}?count=true`, { headers: admin });
      expect(list.body.metadata.count).toBe(0);
    });

    it('a body just under the limit is read (and judged by validation instead)', async () => {
      const res = await http('POST', `${app.http}/api/v1alpha1/event`, {
        body: { title: 'big', attributes: { type: 1, service: 'limits', message: 'x'.repeat(1024 * 1024 - 200) } },
      });
      expect(res.status).toBe(400);
    });
  });

  describe('rate limit (RATE_LIMIT_PER_MINUTE=5 in this app)', () => {
    let limited: TestApp;
    beforeAll(async () => {
      limited = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '5' } });
    });
    afterAll(async () => limited?.close());

    it('per bearer token: the 6th request in a minute is 429 with Retry-After; another token still passes', async () => {
      const token = { authorization: `Bearer ${mintToken({ [account]: 'viewer' })}` };
      const url = `${eventsUrl(limited.http, account)}`;
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await http('GET', url, { headers: token })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200]);
      const over = await http('GET', url, { headers: token });
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(over.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(over.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(over.body).toMatchObject({ status: '429', title: 'Too many requests' });
      // the same IP with another token has its own budget
      expect((await http('GET', url, { headers: { authorization: `Bearer ${mintToken({ [account]: 'viewer' })}` } })).status).toBe(200);
    });

    it('per IP without a token (tracker API), while health, metrics and docs are never limited', async () => {
      const url = `${limited.http}/api/v1alpha1/events/list`;
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await http('GET', url)).status);
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      expect(statuses[5]).toBe(429);
      const over = await http('GET', url);
      expect(over.body).toMatchObject({ type: 'urn:tracker:problems:rate-limited', status: '429' });
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      for (let i = 0; i < 8; i++) {
        expect((await http('GET', `${limited.http}/health/live`)).status).toBe(200);
        expect((await http('GET', `${limited.http}/metrics`)).status).toBe(200);
      }
    });
  });

  describe('rate limit keys on the verified caller, on REST and gRPC alike (RATE_LIMIT_PER_MINUTE=5)', () => {
    let own: TestApp;
    beforeEach(async () => {
      own = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '5' } });
    });
    afterEach(async () => own?.close());
    const listUrl = () => `${own.http}/api/v1alpha1/events/list`;

    it('made-up tokens are no token: they share the address budget', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++)
        statuses.push((await http('GET', listUrl(), { headers: { authorization: `Bearer made-up-${i}` } })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    });

    it('one valid token re-spelled (scheme case, extra spaces) is one caller', async () => {
      const token = mintToken({});
      const spellings = [
        `Bearer ${token}`,
        `bearer ${token}`,
        `Bearer  ${token}`,
        `BEARER ${token}`,
        `Bearer ${token} `,
        `Bearer\t${token}`,
      ];
      const statuses: number[] = [];
      for (const authorization of spellings) statuses.push((await http('GET', listUrl(), { headers: { authorization } })).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    });

    it('gRPC calls are limited by the same key and budget: RESOURCE_EXHAUSTED with retry-after metadata', async () => {
      const token = { authorization: `Bearer ${mintToken({})}` };
      const grpc = grpcClient(own.grpc, join(PROTO_ROOT, 'tracker/event/v1alpha1/event.proto'), 'tracker.event.v1alpha1.EventService');
      try {
        for (let i = 0; i < 3; i++) expect((await http('GET', listUrl(), { headers: token })).status).toBe(200);
        for (let i = 0; i < 2; i++) await grpc.call('ListEvents', { page: 1, per_page: 1 }, token);
        const err = await expectGrpcError(grpc.call('ListEvents', { page: 1, per_page: 1 }, token), status.RESOURCE_EXHAUSTED);
        expect(Number(err.metadata.get('retry-after')[0])).toBeGreaterThan(0);
        expect(String(err.metadata.get('correlation-id')[0])).toMatch(/^[0-9a-f-]{36}$/);
        // REST is over budget for this caller too; another caller is not
        expect((await http('GET', listUrl(), { headers: token })).status).toBe(429);
        await grpc.call('ListEvents', { page: 1, per_page: 1 }, { authorization: `Bearer ${mintToken({})}` });
      } finally {
        grpc.close();
      }
    });
  });

  describe('page size caps', () => {
    it.each([['per_page=101'], ['per_page=0'], ['per_page=-1'], ['per_page=1e3'], ['page=0'], ['per_page=abc']])(
      'tracker list %s -> 400 naming the parameter',
      async (q) => {
        const res = await http('GET', `${app.http}/api/v1alpha1/events/list?${q}`);
        expect(res.status).toBe(400);
        expect(res.text).toContain(q.split('=')[0]);
      },
    );

    it('tracker per_page=100 is the maximum and is accepted', async () => {
      expect((await http('GET', `${app.http}/api/v1alpha1/events/list?per_page=100`)).status).toBe(200);
    });

    it.each([['limit=-1'], ['limit=abc'], ['skip=-1']])('Astra list %s -> 400 problems/5', async (q) => {
      expectAstraProblem(await http('GET', `${eventsUrl(app.http, account)}?${q}`, { headers: admin }), 5);
    });

    it('Astra limit is clamped to the page cap (1000), not refused', async () => {
      const res = await http('GET', `${eventsUrl(app.http, account)}?limit=1000000`, { headers: admin });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(1000);
    });
  });

  describe('user input is a literal, never a regex or an operator', () => {
    const services = ['regex-literal.*', 'regex-literal', 'a+b', '(x|y)', '^$', '[a-z]'];
    beforeAll(async () => {
      for (const service of services) {
        const res = await http('POST', `${app.http}/api/v1alpha1/event`, {
          body: { title: `svc ${service}`, attributes: { type: 1, service } },
        });
        expect(res.status).toBe(200);
      }
    });

    it('tracker search by service matches the exact string only', async () => {
      const search = async (service: string) =>
        (await http('GET', `${app.http}/api/v1alpha1/events/search?service=${encodeURIComponent(service)}&per_page=100`)).body;
      expect((await search('.*')).totalCount).toBe(0);
      expect((await search('regex-lit')).totalCount).toBe(0);
      expect((await search('^regex')).totalCount).toBe(0);
      for (const service of services) {
        const page = await search(service);
        expect({ service, titles: page.events.map((e: { title: string }) => e.title) }).toEqual({ service, titles: [`svc ${service}`] });
      }
    });

    it('tracker search with operator-shaped parameters is refused, not interpreted', async () => {
      for (const q of ['service[$ne]=x', 'service[$regex]=.*', 'priority[$gt]=0', 'service={"$ne":null}']) {
        const res = await http('GET', `${app.http}/api/v1alpha1/events/search?${q}`);
        if (res.status === 200) expect(res.body.totalCount).toBe(0);
        else expect(res.status).toBe(400);
      }
    });

    it('tracker stats by service matches the exact string only', async () => {
      const stats = await http('GET', `${app.http}/api/v1alpha1/events/stats?service=${encodeURIComponent('.*')}`);
      expect(stats.status).toBe(200);
      expect(stats.body.total).toBe(0);
    });

    it('Astra filter values: regex metacharacters outside the published value alphabet are refused, the rest are literals', async () => {
      for (const summary of ['Step-1 done', 'Step aa done']) {
        expect((await http('POST', eventsUrl(app.http, account), { body: sampleEvent({ summary }), headers: admin })).status).toBe(201);
      }
      const filter = (expr: string) =>
        http('GET', `${eventsUrl(app.http, account)}?count=true&filter=${encodeURIComponent(expr)}`, { headers: admin });
      const count = async (expr: string) => {
        const res = await filter(expr);
        expect({ expr, status: res.status }).toEqual({ expr, status: 200 });
        return res.body.metadata.count as number;
      };
      // '.', '{', '}' are allowed characters: as a regex 'Step.1 done' would match 'Step-1 done', as a literal it does not
      expect(await count("summary eq 'Step.1 done'")).toBe(0);
      expect(await count("summary eq 'Step a{2} done'")).toBe(0);
      expect(await count("summary eq 'Step-1 done'")).toBe(1);
      expect(await count("summary eq 'Step'")).toBe(0);
      // either refused (problems/5: outside the value alphabet) or taken literally (matches nothing)
      for (const expr of [
        "summary eq '.*'",
        "summary eq 'Step (1)'",
        "summary eq '^Step'",
        "summary eq 'Step|x'",
        "summary eq '[S]tep-1 done'",
      ]) {
        const res = await filter(expr);
        if (res.status === 200) expect({ expr, count: res.body.metadata.count }).toEqual({ expr, count: 0 });
        else expectAstraProblem(res, 5);
      }
      expectAstraProblem(await filter("summary eq '.*'"), 5);
    });

    it('Astra filter with an operator-shaped value or field is refused or literal', async () => {
      for (const expr of ['summary eq \'{"$ne":null}\'', "$where eq '1'", "summary.$ne eq 'x'"]) {
        const res = await http('GET', `${eventsUrl(app.http, account)}?count=true&filter=${encodeURIComponent(expr)}`, { headers: admin });
        if (res.status === 200) expect(res.body.metadata.count).toBe(0);
        else expectAstraProblem(res, 5);
      }
    });
  });
});
