import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PROTO_LOADER_OPTIONS, PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { MAX_PROBLEM_ITEMS } from '../../src/platform/errors/problem';
import { startTestApp, TestApp } from '../support/app-harness';
import { expectAstraProblem } from '../support/astra-schema';
import { eventsUrl, sampleEvent } from '../support/astra-events';
import { bearer, mintToken } from '../support/auth';
import { expectGrpcError, grpcClient, UnaryClient } from '../support/grpc-client';
import { http } from '../support/http';
import { reportFigure } from '../support/figures';

/** A valid Astra event in the gRPC request's spelling (`resourceId`), with `extra` fields on top. */
const grpcAstraEvent = (extra: Record<string, unknown> = {}) => ({
  name: 'a.b',
  summary: 'abc',
  source: 's',
  resourceId: randomUUID(),
  resourceType: 'application/astra-app',
  severity: 'warning',
  class: 'user',
  description: 'abc',
  ...extra,
});

jest.setTimeout(120_000);

/*
 * Security issue 10, items 2 and 3: what a body may contain is bounded before validation walks it (depth, keys
 * per object, entries per array, string length, and tighter per-field caps from the spec), so a hostile body
 * costs the service a bounded amount of work, is refused with a small 400 naming the field, and never stalls
 * other requests; bad input is a 400 (INVALID_ARGUMENT on gRPC) at any depth, never a 500.
 */

const API = '/api/v1alpha1';

/** `{"k0":0,...}` with `n` keys. */
function manyKeys(n: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) out[`k${i}`] = i;
  return out;
}

/** `depth` nested arrays (`[[[...]]]`) or objects (`{"a":{"a":...}}`) as JSON text. */
function deepJson(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/** One request on a keep-alive socket, timed from send to the last byte. */
function timed(
  method: string,
  url: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; ms: number; text: string }> {
  const payload = body === undefined ? undefined : Buffer.from(body);
  const h: Record<string, string | number> = { ...headers };
  if (payload) {
    h['content-type'] = 'application/json';
    h['content-length'] = payload.length;
  }
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { method, headers: h, agent, timeout: 60_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, text: Buffer.concat(chunks).toString() }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 60 s')));
    req.on('error', reject);
    req.end(payload);
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('input bounds (security issue 10, items 2 and 3)', () => {
  let app: TestApp;
  const account = randomUUID();
  const admin = bearer(account, 'admin');

  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '10000000' } });
  });
  afterAll(async () => {
    agent.destroy();
    await app?.close();
  });

  describe('a 60,000-key body is refused quickly and small, and does not stall other requests', () => {
    const hostile = JSON.stringify({ title: 'x', attributes: { type: 1, service: 's', ...manyKeys(60_000) } });

    it('answers 400 naming attributes with a small body, while /health/live and a cheap read keep answering (times as figures)', async () => {
      const live = `${app.http}/health/live`;
      const read = `${app.http}${API}/events/list?per_page=1`;
      /** Sends `body` eight times in a row while both reads are polled back to back; times everything. */
      const underLoad = async (body: string) => {
        const polls = { live: [] as number[], read: [] as number[] };
        let done = false;
        const sending = (async () => {
          const answers: { status: number; ms: number; text: string }[] = [];
          for (let i = 0; i < 8; i++) answers.push(await timed('POST', `${app.http}${API}/event`, body));
          return answers;
        })().finally(() => {
          done = true;
        });
        const polling = (async () => {
          while (!done || polls.live.length < 5) {
            const [l, r] = await Promise.all([timed('GET', live), timed('GET', read)]);
            expect([l.status, r.status]).toEqual([200, 200]);
            polls.live.push(l.ms);
            polls.read.push(r.ms);
          }
        })();
        const [answers] = await Promise.all([sending, polling]);
        return {
          answers,
          slowest: Math.max(...answers.map((a) => a.ms)),
          live: Math.max(...polls.live),
          read: Math.max(...polls.read),
          polls: polls.live.length,
        };
      };

      // Baselines from this run (the machine may be busy): the reads on their own, then the same traffic with a
      // body as big that is cheap to refuse (one long string), then the hostile body.
      const idle = { live: [] as number[], read: [] as number[] };
      for (let i = 0; i < 20; i++) {
        idle.live.push((await timed('GET', live)).ms);
        idle.read.push((await timed('GET', read)).ms);
      }
      const control = await underLoad(
        JSON.stringify({ title: 'x', attributes: { type: 1, service: 's', message: 'x'.repeat(hostile.length) } }),
      );
      const attack = await underLoad(hostile);

      reportFigure(
        `60,000 keys: answered in at most ${attack.slowest.toFixed(1)} ms (a same-size cheap body ${control.slowest.toFixed(1)} ms); ` +
          `/health/live idle p50 ${median(idle.live).toFixed(1)} ms, max ${control.live.toFixed(1)} ms beside cheap bodies, ${attack.live.toFixed(1)} ms beside hostile ones; ` +
          `list idle p50 ${median(idle.read).toFixed(1)} ms, max ${control.read.toFixed(1)} / ${attack.read.toFixed(1)} ms (${attack.polls} polls)`,
      );
      for (const res of control.answers) expect(res.status).toBe(400);
      for (const res of attack.answers) {
        expect(res.status).toBe(400);
        expect(res.text.length).toBeLessThan(8 * 1024);
        const problem = JSON.parse(res.text);
        expect(problem).toMatchObject({ type: 'urn:tracker:problems:invalid-input', status: '400' });
        expect(problem.invalidFields[0]).toEqual({ name: 'attributes', reason: 'has more than 64 fields' });
      }
      // No timing assertion (the times are figures): that the refusal stops at the 65th key, before reading the
      // rest, is proven structurally in src/platform/validation/json-bounds.spec.ts.
    });

    it('four at once are all refused the same way, and readiness keeps reporting the store up meanwhile', async () => {
      const ready = () => timed('GET', `${app.http}/health/ready`);
      const [readyDuring, ...results] = await Promise.all([
        (async () => {
          const out = [];
          for (let i = 0; i < 5; i++) out.push(await ready());
          return out;
        })(),
        ...Array.from({ length: 4 }, () => timed('POST', `${app.http}${API}/event`, hostile)),
      ]);
      for (const r of results) {
        expect(r.status).toBe(400);
        expect(r.text.length).toBeLessThan(8 * 1024);
      }
      expect(readyDuring.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    });
  });

  describe('the problem body is capped, never proportional to the input', () => {
    it(`tracker: at most ${MAX_PROBLEM_ITEMS} invalidFields plus a count of the rest`, async () => {
      const res = await http('POST', `${app.http}${API}/event`, {
        body: { title: 'x', attributes: { type: 1, service: 's', ...manyKeys(50) } },
      });
      expect(res.status).toBe(400);
      expect(res.body.invalidFields).toHaveLength(MAX_PROBLEM_ITEMS);
      expect(res.body.invalidFieldsOmitted).toBe(50 - MAX_PROBLEM_ITEMS);
      expect(res.body.invalidFields[0]).toEqual({ name: 'attributes.k0', reason: 'is not a known field' });
      expect(res.body.detail.length).toBeLessThan(2048);
    });

    it('Astra: the same cap, and the published problems/9 shape still holds', async () => {
      const res = await http('POST', eventsUrl(app.http, account), { body: sampleEvent(manyKeys(40)), headers: admin });
      expectAstraProblem(res, 9);
      expect(res.body.invalidFields).toHaveLength(MAX_PROBLEM_ITEMS);
      expect(res.body.invalidFieldsOmitted).toBe(40 - MAX_PROBLEM_ITEMS);
    });

    it('query parameters: at most the cap in invalidParams', async () => {
      const query = Array.from({ length: 40 }, (_, i) => `p${i}=1`).join('&');
      const res = await http('GET', `${app.http}${API}/events/list?${query}`);
      expect(res.status).toBe(400);
      const items = res.body.invalidParams ?? res.body.invalidFields;
      expect(items).toHaveLength(MAX_PROBLEM_ITEMS);
      expect(res.body.invalidParamsOmitted ?? res.body.invalidFieldsOmitted).toBe(40 - MAX_PROBLEM_ITEMS);
    });
  });

  describe('nesting depth 10,000 (and 100,000) is a 400 on every body endpoint', () => {
    const depths = [10_000, 100_000];
    const kinds = ['array', 'object'] as const;

    it.each(depths.flatMap((d) => kinds.map((k) => [d, k] as const)))(
      'tracker POST and PUT /event, depth %i of %s -> 400 naming attributes.message',
      async (depth, kind) => {
        for (const method of ['POST', 'PUT']) {
          const id = method === 'PUT' ? '"id":"507f1f77bcf86cd799439011",' : '';
          const raw = `{${id}"title":"x","attributes":{"type":1,"service":"s","message":${deepJson(depth, kind)}}}`;
          const res = await http(method, `${app.http}${API}/event`, { raw, headers: { 'content-type': 'application/json' } });
          expect({ method, status: res.status }).toEqual({ method, status: 400 });
          expect(res.body).toMatchObject({ type: 'urn:tracker:problems:invalid-input' });
          expect(res.body.invalidFields[0].name).toMatch(/^attributes\.message/);
          expect(res.text.length).toBeLessThan(8 * 1024);
        }
      },
    );

    it('tracker POST with an Idempotency-Key: still 400, not 500', async () => {
      const raw = `{"title":"x","attributes":{"type":1,"service":"s","message":${deepJson(10_000, 'array')}}}`;
      const res = await http('POST', `${app.http}${API}/event`, {
        raw,
        headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      });
      expect(res.status).toBe(400);
    });

    it.each(kinds)('Astra POST events (admin), depth 10,000 of %s -> 400 problems/9 naming the field', async (kind) => {
      const fields = JSON.stringify(sampleEvent()).slice(0, -1);
      const raw = `${fields},"data":${deepJson(10_000, kind)}}`;
      const res = await http('POST', eventsUrl(app.http, account), { raw, headers: { ...admin, 'content-type': 'application/json' } });
      expectAstraProblem(res, 9);
      expect(res.body.invalidFields[0].name).toMatch(/^data/);
    });

    it('a whole body that is only nesting -> 400', async () => {
      const res = await http('POST', `${app.http}${API}/event`, {
        raw: deepJson(10_000, 'array'),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(400);
    });
  });

  describe('per-field caps from the spec', () => {
    it('Astra event with 90,000 visibility entries -> 400 naming visibility, nothing stored', async () => {
      const visibility = Array.from({ length: 90_000 }, (_, i) => `r${i}`);
      const res = await http('POST', eventsUrl(app.http, account), { body: sampleEvent({ visibility }), headers: admin });
      expectAstraProblem(res, 9);
      expect(res.body.invalidFields[0].name).toBe('visibility');
      expect(res.text.length).toBeLessThan(8 * 1024);
      const list = await http('GET', `${eventsUrl(app.http, account)}?count=true`, { headers: admin });
      expect(list.body.metadata.count).toBe(0);
    });

    it('Astra visibility: the four roles are accepted, a fifth entry is refused', async () => {
      const four = await http('POST', eventsUrl(app.http, account), {
        body: sampleEvent({ visibility: ['viewer', 'member', 'admin', 'owner'] }),
        headers: admin,
      });
      expect(four.status).toBe(201);
      const five = await http('POST', eventsUrl(app.http, account), {
        body: sampleEvent({ visibility: ['viewer', 'member', 'admin', 'owner', 'guest'] }),
        headers: admin,
      });
      expectAstraProblem(five, 9);
      expect(five.body.invalidFields[0].name).toBe('visibility');
    });

    it('a string past the generic cap is refused naming the field', async () => {
      const res = await http('POST', `${app.http}${API}/event`, {
        body: { title: 'x', attributes: { type: 1, service: 's', owner: 'o'.repeat(100_000) } },
      });
      expect(res.status).toBe(400);
      expect(res.body.invalidFields[0].name).toBe('attributes.owner');
      expect(res.text.length).toBeLessThan(8 * 1024);
    });

    it('an array past the cap is refused naming the field', async () => {
      const stakeHolders = Array.from({ length: 50_000 }, () => 'a');
      const res = await http('POST', `${app.http}${API}/event`, {
        body: { title: 'x', attributes: { type: 1, service: 's', stakeHolders } },
      });
      expect(res.status).toBe(400);
      expect(res.body.invalidFields[0].name).toBe('attributes.stakeHolders');
      expect(res.text.length).toBeLessThan(8 * 1024);
    });
  });

  describe('gRPC', () => {
    const TRACKER_PROTO = join(PROTO_ROOT, 'tracker/event/v1alpha1/event.proto');
    const ASTRA_PROTO = join(PROTO_ROOT, 'astra/core/v1/event.proto');
    let raw: grpc.Client;
    let tracker: UnaryClient;
    let astra: UnaryClient;
    const adminMd = { authorization: `Bearer ${mintToken({ [account]: 'admin' })}` };

    beforeAll(() => {
      raw = new grpc.Client(app.grpc, grpc.credentials.createInsecure());
      tracker = grpcClient(app.grpc, TRACKER_PROTO, 'tracker.event.v1alpha1.EventService');
      astra = grpcClient(app.grpc, ASTRA_PROTO, 'astra.core.v1.EventService');
    });
    afterAll(() => {
      raw?.close();
      tracker?.close();
      astra?.close();
    });

    /** A protobuf varint. */
    function varint(n: number): number[] {
      const out: number[] = [];
      while (n > 0x7f) {
        out.push((n & 0x7f) | 0x80);
        n >>>= 7;
      }
      out.push(n);
      return out;
    }
    /** An unknown field (number 999) holding groups nested `depth` deep: the only way to nest a fixed-schema message. */
    function deepGroups(depth: number): Buffer {
      const start = varint((999 << 3) | 3);
      const end = varint((999 << 3) | 4);
      const out = Buffer.alloc((start.length + end.length) * depth);
      for (let i = 0; i < depth; i++) out.set(start, i * start.length);
      for (let i = 0; i < depth; i++) out.set(end, depth * start.length + i * end.length);
      return out;
    }
    function rawCall(
      protoFile: string,
      service: string,
      method: string,
      message: object,
      tail: Buffer,
      metadata: Record<string, string> = {},
    ): Promise<unknown> {
      const def = protoLoader.loadSync(protoFile, PROTO_LOADER_OPTIONS)[service] as Record<
        string,
        protoLoader.MethodDefinition<object, object>
      >;
      const bytes = Buffer.concat([def[method].requestSerialize(message), tail]);
      const md = new grpc.Metadata();
      for (const [k, v] of Object.entries(metadata)) md.set(k, v);
      return new Promise((resolve, reject) =>
        raw.makeUnaryRequest(
          `/${service}/${method}`,
          (b: Buffer) => b,
          def[method].responseDeserialize,
          bytes,
          md,
          { deadline: Date.now() + 15_000 },
          (err, res) => (err ? reject(err) : resolve(res)),
        ),
      );
    }

    it.each([
      ['CreateEvent', { title: 'x', attributes: { type: 1, service: 's' } }],
      ['UpdateEvent', { id: '507f1f77bcf86cd799439011', title: 'x' }],
    ])('tracker %s with fields nested 10,000 deep -> INVALID_ARGUMENT', async (method, message) => {
      const err = await expectGrpcError(
        rawCall(TRACKER_PROTO, 'tracker.event.v1alpha1.EventService', method, message, deepGroups(10_000)),
        grpc.status.INVALID_ARGUMENT,
      );
      expect(err.details).toMatch(/nest/i);
    });

    it('Astra CreateEvent (admin) with fields nested 10,000 deep -> INVALID_ARGUMENT', async () => {
      const message = {
        accountId: account,
        event: grpcAstraEvent(),
      };
      await expectGrpcError(
        rawCall(ASTRA_PROTO, 'astra.core.v1.EventService', 'CreateEvent', message, deepGroups(10_000), adminMd),
        grpc.status.INVALID_ARGUMENT,
      );
    });

    it('nesting the schema allows (a shallow unknown group) is still accepted', async () => {
      const res = (await rawCall(
        TRACKER_PROTO,
        'tracker.event.v1alpha1.EventService',
        'CreateEvent',
        { title: 'x', attributes: { type: 1, service: 'grpc-bounds' } },
        deepGroups(3),
      )) as { id?: string };
      expect(res.id).toMatch(/^[0-9a-f]{24}$/);
    });

    it('Astra CreateEvent with 90,000 visibility entries -> INVALID_ARGUMENT naming visibility', async () => {
      const visibility = Array.from({ length: 90_000 }, (_, i) => `r${i}`);
      const event = grpcAstraEvent({ visibility });
      const err = await expectGrpcError(astra.call('CreateEvent', { accountId: account, event }, adminMd), grpc.status.INVALID_ARGUMENT);
      expect(err.details).toMatch(/visibility/);
      expect(err.details.length).toBeLessThan(2048);
    });

    it('Astra CreateEvent with five visibility entries -> INVALID_ARGUMENT naming visibility', async () => {
      const event = grpcAstraEvent({ visibility: ['viewer', 'member', 'admin', 'owner', 'guest'] });
      const err = await expectGrpcError(astra.call('CreateEvent', { accountId: account, event }, adminMd), grpc.status.INVALID_ARGUMENT);
      expect(err.details).toMatch(/visibility/);
    });

    it('tracker CreateEvent with 200,000 stake holders -> INVALID_ARGUMENT naming attributes.stakeHolders', async () => {
      const stakeHolders = Array.from({ length: 200_000 }, () => 'a');
      const err = await expectGrpcError(
        tracker.call('CreateEvent', { title: 'x', attributes: { type: 1, service: 's', stakeHolders } }),
        grpc.status.INVALID_ARGUMENT,
      );
      expect(err.details).toMatch(/attributes\.stakeHolders/);
    });
  });
});
