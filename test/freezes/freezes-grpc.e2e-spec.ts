import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROTO_LOADER_OPTIONS, PROTO_ROOT } from '../../src/platform/grpc/grpc.options';
import { startTestApp, TestApp } from '../support/app-harness';
import { expectGrpcError, grpcClient, UnaryClient } from '../support/grpc-client';
import { trackerHeaders } from '../support/tracker-roles';

/*
 * tracker.freeze.v1alpha1.FreezeService and DeployabilityService over real gRPC and a real store: the same
 * answers as REST (create, get, list active, delete, import with re-import unchanged, errors naming the field),
 * and enforcement on EventService: a freeze refuses CreateEvent and UpdateEvent starting a deployment
 * (FAILED_PRECONDITION), the `x-freeze-override` call metadata lets it through under the admin rule of
 * X-Freeze-Override, and FREEZE_ENFORCE=off answers `warning` response metadata.
 */

const CALENDAR = readFileSync(join(__dirname, 'fixtures/france-2027.ics'));
const proto = (name: string) => join(PROTO_ROOT, `tracker/${name}/v1alpha1/${name}.proto`);

function clientsOf(app: TestApp) {
  return {
    freezes: grpcClient(app.grpc, proto('freeze'), 'tracker.freeze.v1alpha1.FreezeService'),
    deployability: grpcClient(app.grpc, proto('freeze'), 'tracker.freeze.v1alpha1.DeployabilityService'),
    events: grpcClient(app.grpc, proto('event'), 'tracker.event.v1alpha1.EventService'),
  };
}

/** A window covering now for `service`, over gRPC. */
async function freezeNow(freezes: UnaryClient, service: string, headers: Record<string, string> = {}) {
  const now = Date.now();
  return freezes.call<{ id: string }>(
    'CreateFreeze',
    { name: 'Now', services: [service], start: new Date(now - 60_000).toISOString(), end: new Date(now + 3_600_000).toISOString() },
    headers,
  );
}

const deployment = (service: string) => ({
  title: `Deploy ${service}`,
  attributes: { type: 1, service, status: 1, environment: 7, source: 'ci' },
});

describe('change freezes over gRPC', () => {
  let app: TestApp;
  let c: ReturnType<typeof clientsOf>;

  beforeAll(async () => {
    app = await startTestApp();
    c = clientsOf(app);
  });
  afterAll(async () => {
    for (const client of Object.values(c ?? {})) client.close();
    await app?.close();
  });

  it('creates a window (a Tuesday night) and a weekend recurrence, gets, lists active at an instant, deletes', async () => {
    const once = await c.freezes.call<Record<string, unknown>>('CreateFreeze', {
      name: 'Release night',
      services: ['api'],
      environments: [7],
      start: '2030-06-04T18:00:00+02:00',
      end: '2030-06-05T06:00:00+02:00',
    });
    expect(once).toMatchObject({ kind: 'once', start: '2030-06-04T16:00:00.000Z', end: '2030-06-05T04:00:00.000Z' });
    const weekly = await c.freezes.call<Record<string, unknown>>('CreateFreeze', {
      name: 'Weekend',
      services: ['api'],
      timezone: 'Europe/Paris',
      start: '2030-01-04T16:00:00',
      rrule: 'FREQ=WEEKLY;BYDAY=FR',
      duration: 'P2DT16H',
    });
    expect(weekly).toMatchObject({ kind: 'recurring', timezone: 'Europe/Paris', rrule: 'FREQ=WEEKLY;BYDAY=FR' });
    expect(await c.freezes.call('GetFreeze', { id: once.id })).toEqual(once);
    const active = await c.freezes.call<{ freezes: { id: string }[] }>('ListFreezes', {
      at: '2030-06-04T20:00:00Z',
      service: 'api',
      environment: 7,
    });
    expect(active.freezes.map((f) => f.id)).toEqual([once.id]);
    // Saturday 30 March 2030, after the spring change: the weekly window still covers it.
    const saturday = await c.freezes.call<{ freezes: { id: string }[] }>('ListFreezes', { at: '2030-03-30T12:00:00Z', service: 'api' });
    expect(saturday.freezes.map((f) => f.id)).toEqual([weekly.id]);
    expect(await c.freezes.call('DeleteFreeze', { id: once.id })).toEqual({ id: once.id });
    await expectGrpcError(c.freezes.call('GetFreeze', { id: once.id }), grpc.status.NOT_FOUND);
  });

  it('answers INVALID_ARGUMENT naming the field for a bad rrule, an unknown zone, end before start', async () => {
    const base = { name: 'x', timezone: 'Europe/Paris', start: '2030-01-04T16:00:00', duration: 'PT1H' };
    expect(
      (await expectGrpcError(c.freezes.call('CreateFreeze', { ...base, rrule: 'FREQ=WEEKLY;BYDAY=XX' }), grpc.status.INVALID_ARGUMENT))
        .details,
    ).toMatch(/rrule/);
    expect(
      (
        await expectGrpcError(
          c.freezes.call('CreateFreeze', { ...base, rrule: 'FREQ=DAILY', timezone: 'Mars/Olympus' }),
          grpc.status.INVALID_ARGUMENT,
        )
      ).details,
    ).toMatch(/timezone/);
    const backwards = { name: 'x', start: '2030-01-02T00:00:00Z', end: '2030-01-01T00:00:00Z' };
    expect((await expectGrpcError(c.freezes.call('CreateFreeze', backwards), grpc.status.INVALID_ARGUMENT)).details).toMatch(/end/);
  });

  it('imports the France 2027 calendar as bytes (again: unchanged); Check answers the holiday', async () => {
    const request = { calendar: CALENDAR, services: ['shop'], environments: [7], timezone: 'Europe/Paris' };
    const first = await c.freezes.call<{ created: number; ids: string[] }>('ImportFreezes', request);
    expect(first).toMatchObject({ created: 12 });
    const again = await c.freezes.call<Record<string, unknown>>('ImportFreezes', request);
    expect(again).toMatchObject({ unchanged: 12, ids: first.ids });
    const bastille = await c.deployability.call<Record<string, unknown>>('Check', {
      service: 'shop',
      environment: 7,
      at: '2027-07-14T10:00:00Z',
    });
    expect(bastille).toMatchObject({
      allowed: false,
      nextAllowedAt: '2027-07-14T22:00:00.000Z',
      reasons: [{ kind: 'freeze', title: 'Fete nationale', until: '2027-07-14T22:00:00.000Z' }],
    });
    expect(await c.deployability.call('Check', { service: 'shop', environment: 4, at: '2027-07-14T10:00:00Z' })).toMatchObject({
      allowed: true,
    });
  });

  it('refuses bad calendars: INVALID_ARGUMENT naming the property, RESOURCE_EXHAUSTED over 10,000 events', async () => {
    const badZone = Buffer.from(
      CALENDAR.toString('utf8').replace('TZID=Europe/Paris:20270101T160000', 'TZID=Mars/Olympus:20270101T160000'),
    );
    expect((await expectGrpcError(c.freezes.call('ImportFreezes', { calendar: badZone }), grpc.status.INVALID_ARGUMENT)).details).toMatch(
      /VEVENT\[11\]\.DTSTART\.TZID/,
    );
    expect(
      (await expectGrpcError(c.freezes.call('ImportFreezes', { calendar: Buffer.from([0xff, 0xfe, 0x00]) }), grpc.status.INVALID_ARGUMENT))
        .details,
    ).toMatch(/calendar/);
    // Found by the gRPC fuzz (seed 1389157162): ical.js echoed the value cut through a surrogate pair, grpc-js could
    // not encode that status message, and the call was never answered (DEADLINE_EXCEEDED).
    const astral = Buffer.from(
      [
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'BEGIN:VEVENT',
        'UID:astral',
        `DTSTART:payments\u{E0041}`,
        'DURATION:PT1H',
        'END:VEVENT',
        'END:VCALENDAR',
      ].join('\r\n'),
    );
    expect((await expectGrpcError(c.freezes.call('ImportFreezes', { calendar: astral }), grpc.status.INVALID_ARGUMENT)).details).toMatch(
      /^VEVENT\[0\]\.DTSTART: cannot be read/,
    );
    const many = ['BEGIN:VCALENDAR', 'VERSION:2.0'];
    for (let i = 0; i <= 10_000; i++) many.push('BEGIN:VEVENT', `UID:e${i}`, 'DTSTART;VALUE=DATE:20300101', 'END:VEVENT');
    many.push('END:VCALENDAR');
    await expectGrpcError(c.freezes.call('ImportFreezes', { calendar: Buffer.from(many.join('\r\n')) }), grpc.status.RESOURCE_EXHAUSTED);
  });

  it('refuses CreateEvent and UpdateEvent starting a frozen deployment; x-freeze-override metadata lets it through, in the changelog', async () => {
    await freezeNow(c.freezes, 'grpc-payments');
    const refused = await expectGrpcError(c.events.call('CreateEvent', deployment('grpc-payments')), grpc.status.FAILED_PRECONDITION);
    expect(refused.details).toMatch(/Now/);
    const created = await c.events.call<{ id: string; frozen?: boolean }>('CreateEvent', deployment('grpc-payments'), {
      'x-freeze-override': 'hotfix INC-7',
    });
    expect(created.frozen).toBe(true);
    const log = await c.events.call<{ changelog: { field: string; newValue: string }[] }>('GetEventChangelog', { id: created.id });
    expect(log.changelog.find((e) => e.field === 'freeze')?.newValue).toMatch(/^override: hotfix INC-7/);
    // An update that starts a deployment is refused the same way.
    const planned = await c.events.call<{ id: string }>('CreateEvent', {
      ...deployment('grpc-payments'),
      attributes: { ...deployment('grpc-payments').attributes, status: 3 },
    });
    await expectGrpcError(c.events.call('UpdateEvent', { id: planned.id, attributes: { status: 1 } }), grpc.status.FAILED_PRECONDITION);
    expect(await c.events.call('UpdateEvent', { id: planned.id, attributes: { status: 1 } }, { 'x-freeze-override': 'go' })).toMatchObject({
      id: planned.id,
    });
  });
});

describe('change freezes over gRPC with TRACKER_AUTH=required and FREEZE_ENFORCE=off', () => {
  let strict: TestApp;
  let lenient: TestApp;

  beforeAll(async () => {
    strict = await startTestApp({ env: { TRACKER_AUTH: 'required' } });
    lenient = await startTestApp({ env: { FREEZE_ENFORCE: 'off' } });
  });
  afterAll(async () => {
    await Promise.all([strict?.close(), lenient?.close()]);
  });

  it('an override needs the admin role, like X-Freeze-Override', async () => {
    const c = clientsOf(strict);
    try {
      const admin = trackerHeaders('admin');
      await freezeNow(c.freezes, 'grpc-strict', admin);
      const writer = { ...trackerHeaders('writer'), 'x-freeze-override': 'please' };
      await expectGrpcError(c.events.call('CreateEvent', deployment('grpc-strict'), writer), grpc.status.PERMISSION_DENIED);
      const created = await c.events.call<{ frozen?: boolean }>('CreateEvent', deployment('grpc-strict'), {
        ...admin,
        'x-freeze-override': 'approved by CAB-12',
      });
      expect(created.frozen).toBe(true);
    } finally {
      for (const client of Object.values(c)) client.close();
    }
  });

  it('FREEZE_ENFORCE=off: the deployment is stored, frozen, with a warning in the response metadata', async () => {
    const c = clientsOf(lenient);
    try {
      await freezeNow(c.freezes, 'grpc-lenient');
      const { response, metadata } = await createWithMetadata(lenient, deployment('grpc-lenient'));
      expect(response.frozen).toBe(true);
      expect(String(metadata.get('warning')[0])).toMatch(/^199 tracker "change freeze in effect: Now/);
    } finally {
      for (const client of Object.values(c)) client.close();
    }
  });
});

/** CreateEvent through a raw client that keeps the response's initial metadata. */
function createWithMetadata(app: TestApp, request: object): Promise<{ response: { frozen?: boolean }; metadata: grpc.Metadata }> {
  const loaded = grpc.loadPackageDefinition(protoLoader.loadSync(proto('event'), PROTO_LOADER_OPTIONS)) as any;
  const client = new loaded.tracker.event.v1alpha1.EventService(app.grpc, grpc.credentials.createInsecure()) as grpc.Client & {
    CreateEvent: (...args: unknown[]) => grpc.ClientUnaryCall;
  };
  return new Promise((resolve, reject) => {
    let metadata = new grpc.Metadata();
    const call = client.CreateEvent(
      request,
      new grpc.Metadata(),
      { deadline: Date.now() + 15_000 },
      (err: grpc.ServiceError | null, response: any) => {
        client.close();
        if (err) reject(err);
        else resolve({ response, metadata });
      },
    );
    call.on('metadata', (m: grpc.Metadata) => (metadata = m));
  });
}
