import { randomUUID } from 'node:crypto';
import { startTestApp, TestApp } from '../support/app-harness';
import { expectAstraProblem, expectAstraValid } from '../support/astra-schema';
import { createEvent, eventsUrl, sampleEvent } from '../support/astra-events';
import { bearer } from '../support/auth';
import { http } from '../support/http';

type Ev = Record<string, any>;

describe('activity log REST: listing events (Astra collection conventions)', () => {
  let app: TestApp;
  const account = randomUUID();
  let url: string;
  const events: Ev[] = [];
  const list = async (query: string, role: 'viewer' | 'owner' = 'viewer') => {
    const res = await http('GET', `${url}${query ? `?${query}` : ''}`, { headers: bearer(account, role) });
    if (res.status === 200) expectAstraValid('event_1.4_list_response_body', res.body);
    return res;
  };
  const ids = (body: { items: Ev[] }) => body.items.map((e) => e.id);

  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    url = eventsUrl(app.http, account);
    const base = Date.UTC(2024, 0, 1, 12, 0, 0);
    const specs: Record<string, unknown>[] = [
      {
        severity: 'critical',
        class: 'system',
        summary: 'Disk full on node a',
        destinations: ['banner'],
        data: { ttl: 0, isAcknowledgeable: 'true' },
      },
      { severity: 'warning', class: 'user', summary: 'Backup slow', destinations: ['notification'] },
      { severity: 'informational', class: 'user', summary: 'Backup done', destinations: ['notification', 'support'] },
      { severity: 'critical', class: 'security', summary: 'Login failures', data: { isAcknowledgeable: 'false' } },
      { severity: 'warning', class: 'system', summary: 'Disk nearly full' },
      { severity: 'indeterminate', class: 'system', summary: 'Probe unknown' },
    ];
    for (const [i, spec] of specs.entries()) {
      events.push(await createEvent(app.http, account, { ...spec, eventTime: new Date(base + i * 60_000).toISOString() }));
    }
  });
  afterAll(async () => {
    await app?.close();
  });

  it('lists every event, newest eventTime first, with an empty metadata', async () => {
    const res = await list('');
    expect(res.body.type).toBe('application/astra-events');
    expect(res.body.version).toBe('1.4');
    expect(ids(res.body)).toEqual([...events].reverse().map((e) => e.id));
    expect(res.body.metadata).toEqual({});
    expect(res.body.items[0]).toEqual(events[5]);
  });

  it('include: items become value arrays in the requested order', async () => {
    const res = await list('include=summary,id,sequenceCount,data&orderBy=sequenceCount');
    expect(res.body.items[0]).toEqual([events[0].summary, events[0].id, events[0].sequenceCount, events[0].data]);
    expect(res.body.items[1]).toEqual([events[1].summary, events[1].id, events[1].sequenceCount, null]);
    expectAstraProblem(await list('include=nope'), 5);
    expectAstraProblem(await list('include=id,,summary'), 5);
  });

  it('limit, skip and count', async () => {
    const res = await list('orderBy=sequenceCount&limit=2&skip=1&count=true');
    expect(ids(res.body)).toEqual([events[1].id, events[2].id]);
    expect(res.body.metadata.count).toBe(6);
    expect(res.body.metadata.continue).toEqual(expect.any(String));
    const filtered = await list("filter=severity eq 'critical'&count=true&limit=1");
    expect(filtered.body.metadata.count).toBe(2);
    expect(filtered.body.items).toHaveLength(1);
    for (const bad of ['limit=0', 'limit=x', 'skip=-1', 'count=yes', 'count=false']) expectAstraProblem(await list(bad), 5);
  });

  it('filter: eq, lt, gt, lte, gte, in, dotted paths, arrays, AND (comma or repeated)', async () => {
    const seq = (e: Ev) => e.sequenceCount;
    const cases: [string, Ev[]][] = [
      ["filter=severity eq 'critical'", [events[3], events[0]]],
      [`filter=sequenceCount gt '${seq(events[3])}'`, [events[5], events[4]]],
      [`filter=sequenceCount gte '${seq(events[4])}'`, [events[5], events[4]]],
      [`filter=sequenceCount lt '${seq(events[1])}'`, [events[0]]],
      [`filter=sequenceCount lte '${seq(events[1])}'`, [events[1], events[0]]],
      ["filter=eventTime gte '2024-01-01T12:04:00Z'", [events[5], events[4]]],
      ["filter=eventTime lt '2024-01-01T12:01:00.000Z'", [events[0]]],
      ["filter=summary in 'Disk'", [events[4], events[0]]],
      ["filter=destinations eq 'notification'", [events[2], events[1]]],
      ["filter=destinations[*] eq 'support'", [events[2]]],
      ["filter=data.isAcknowledgeable eq 'false'", [events[3]]],
      ["filter=data.ttl eq '0'", [events[0]]],
      [`filter=metadata.createdBy eq '${events[0].metadata.createdBy}'`, [events[0]]],
      [`filter=metadata.creationTimestamp gte '${events[5].metadata.creationTimestamp}'`, [events[5]]],
      ["filter=severity eq 'warning',class eq 'system'", [events[4]]],
      ["filter=severity eq 'warning'&filter=class eq 'user'", [events[1]]],
      [`filter=accountID eq '${account}'&filter=severity eq 'informational'`, [events[2]]],
    ];
    for (const [query, expected] of cases) {
      const res = await list(query);
      expect({ query, ids: ids(res.body) }).toEqual({ query, ids: expected.map((e) => e.id) });
    }
  });

  it('rejects bad filters with problems/5 invalidParams and unknown parameters with problems/6', async () => {
    for (const bad of [
      "filter=nope eq 'x'",
      'filter=severity eq critical',
      "filter=severity like 'x'",
      "filter=sequenceCount gt 'x'",
      "filter=eventTime gt 'yesterday'",
    ]) {
      const res = await list(bad);
      expectAstraProblem(res, 5);
      expect(res.body.invalidParams[0].name).toBe('filter');
    }
    const unknown = await list('sort=name&colour=red');
    expectAstraProblem(unknown, 6);
    expect(unknown.body.invalidParams.map((p: { name: string }) => p.name).sort()).toEqual(['colour', 'sort']);
  });

  it('orderBy one field, optional desc', async () => {
    expect(ids((await list('orderBy=sequenceCount')).body)).toEqual(events.map((e) => e.id));
    expect(ids((await list('orderBy=sequenceCount desc')).body)).toEqual([...events].reverse().map((e) => e.id));
    expect(ids((await list('orderBy=eventTime')).body)).toEqual(events.map((e) => e.id));
    const bySummary = (await list('orderBy=summary')).body.items.map((e: Ev) => e.summary);
    expect(bySummary).toEqual([...bySummary].sort());
    expectAstraProblem(await list('orderBy=nope'), 5);
    expectAstraProblem(await list('orderBy=summary asc'), 5);
  });

  it('continue: a page walk sees every event exactly once while new events keep arriving', async () => {
    const walkAccount = randomUUID();
    const walkUrl = eventsUrl(app.http, walkAccount);
    const initial: string[] = [];
    for (let i = 0; i < 23; i++) initial.push((await createEvent(app.http, walkAccount, { summary: `Initial ${i}` })).id);
    let inserting = true;
    const inserted: string[] = [];
    const writer = (async () => {
      while (inserting) inserted.push((await createEvent(app.http, walkAccount, { summary: 'Arrived later' })).id);
    })();
    for (const order of ['', '&orderBy=sequenceCount', '&orderBy=summary desc']) {
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const res = await http('GET', `${walkUrl}?limit=4${order}${token ? `&continue=${encodeURIComponent(token)}` : ''}`, {
          headers: bearer(walkAccount, 'viewer'),
        });
        expect(res.status).toBe(200);
        expectAstraValid('event_1.4_list_response_body', res.body);
        seen.push(...ids(res.body));
        token = res.body.metadata.continue;
        pages++;
      } while (token && pages < 200);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(expect.arrayContaining(initial));
      expect(seen.every((id) => initial.includes(id) || inserted.includes(id))).toBe(true);
    }
    inserting = false;
    await writer;
    expect(inserted.length).toBeGreaterThan(0);
    const tampered = await http('GET', `${walkUrl}?continue=${encodeURIComponent(Buffer.from('{"v":1}').toString('base64'))}`, {
      headers: bearer(walkAccount, 'viewer'),
    });
    expectAstraProblem(tampered, 5);
  });

  it('sequenceCount: 150 parallel creates get unique, gap-free numbers, and pollers see them in order', async () => {
    const seqAccount = randomUUID();
    const seqUrl = eventsUrl(app.http, seqAccount);
    const first = await createEvent(app.http, seqAccount, { summary: 'First event' });
    expect(first.sequenceCount).toBe(1);
    const polled: number[] = [];
    let polling = true;
    const poller = (async () => {
      let high = 1;
      while (polling) {
        const res = await http('GET', `${seqUrl}?filter=sequenceCount gt '${high}'&orderBy=sequenceCount&include=sequenceCount`, {
          headers: bearer(seqAccount, 'viewer'),
        });
        for (const [n] of res.body.items as [number][]) {
          polled.push(n);
          high = n;
        }
      }
    })();
    const results = await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        http('POST', seqUrl, { body: sampleEvent({ summary: `Parallel ${i}` }), headers: bearer(seqAccount, 'admin') }),
      ),
    );
    polling = false;
    await poller;
    expect(results.every((r) => r.status === 201)).toBe(true);
    const numbers = results.map((r) => r.body.sequenceCount as number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 150 }, (_, i) => i + 2));
    // A poller tracking "gt highest seen" never skipped one: what it saw is strictly increasing and gap-free.
    expect(polled).toEqual(Array.from({ length: polled.length }, (_, i) => i + 2));
    const stored = await http('GET', `${seqUrl}?orderBy=sequenceCount&include=sequenceCount&count=true`, {
      headers: bearer(seqAccount, 'viewer'),
    });
    expect(stored.body.metadata.count).toBe(151);
    expect(stored.body.items.map((r: [number]) => r[0])).toEqual(Array.from({ length: 151 }, (_, i) => i + 1));
  });

  it('sequenceCount stays unique and gap-free across two instances sharing the store (150 parallel creates, group-committed per instance)', async () => {
    const second = await startTestApp({ database: app.database, env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    try {
      const shared = randomUUID();
      const results = await Promise.all(
        Array.from({ length: 150 }, (_, i) =>
          http('POST', eventsUrl(i % 2 ? app.http : second.http, shared), {
            body: sampleEvent({ summary: `Two apps ${i}` }),
            headers: bearer(shared, 'owner'),
          }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(150).fill(201));
      const numbers = results.map((r) => r.body.sequenceCount as number);
      expect(new Set(numbers).size).toBe(150);
      expect(Math.max(...numbers)).toBe(150);
    } finally {
      await second.close();
    }
  });
});
