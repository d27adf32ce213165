import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, TestApp } from '../support/app-harness';
import { http } from '../support/http';

/*
 * Change freezes over REST on a real store: create, list active, get, delete; the France 2027 public holidays and
 * a weekly Paris weekend freeze imported from a hand-written iCalendar file (re-import changes nothing); the
 * deployability answer (locks, freezes, nextAllowedAt); and enforcement on deployments (409 frozen, override
 * recorded in the changelog, intake-style marking is covered by the service's hook).
 */

const API = '/api/v1alpha1';
const CALENDAR = readFileSync(join(__dirname, 'fixtures/france-2027.ics'), 'utf8');

describe('change freezes', () => {
  let app: TestApp;
  const url = (path: string) => `${app.http}${API}${path}`;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('creates a one-off window (201 + Location), lists it active at an instant, gets and deletes it', async () => {
    const created = await http('POST', url('/freezes'), {
      body: {
        name: 'Release night',
        services: ['api'],
        environments: [7],
        start: '2030-06-01T18:00:00+02:00',
        end: '2030-06-02T06:00:00+02:00',
      },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1alpha1/freezes/${created.body.id}`);
    expect(created.body).toMatchObject({ kind: 'once', start: '2030-06-01T16:00:00.000Z', end: '2030-06-02T04:00:00.000Z' });
    const active = await http('GET', url('/freezes?at=2030-06-01T20:00:00Z&service=api&environment=7'));
    expect(active.body.freezes.map((f: { id: string }) => f.id)).toEqual([created.body.id]);
    expect((await http('GET', url('/freezes?at=2030-06-01T20:00:00Z&service=other&environment=7'))).body.freezes).toEqual([]);
    expect((await http('GET', url(`/freezes/${created.body.id}`))).status).toBe(200);
    expect((await http('DELETE', url(`/freezes/${created.body.id}`))).status).toBe(200);
    expect((await http('GET', url(`/freezes/${created.body.id}`))).status).toBe(404);
  });

  it('lists the occurrences in a range: a weekly Paris freeze across the autumn change, a one-off, scope and bounds', async () => {
    const weekly = await http('POST', url('/freezes'), {
      body: {
        name: 'Occurrences weekend',
        services: ['occ'],
        timezone: 'Europe/Paris',
        start: '2031-10-17T18:00:00',
        rrule: 'FREQ=WEEKLY;BYDAY=FR',
        duration: 'P2DT14H',
      },
    });
    const once = await http('POST', url('/freezes'), {
      body: { name: 'Occurrences night', services: ['occ'], start: '2031-10-22T20:00:00Z', end: '2031-10-23T04:00:00Z' },
    });
    expect([weekly.status, once.status]).toEqual([201, 201]);
    const res = await http('GET', url('/freezes/occurrences?from=2031-10-20T00:00:00Z&to=2031-11-03T00:00:00Z&service=occ'));
    expect(res.status).toBe(200);
    expect(res.body.truncated).toBe(false);
    // The window open at `from` (Friday 17 to Monday 20 08:00 Paris, summer time) is included; the 24th-27th
    // crosses the change on the 26th: 16:00Z Friday to 07:00Z Monday (Paris 08:00 in winter time).
    expect(res.body.occurrences.map((o: { name: string; start: string; end: string }) => [o.name, o.start, o.end])).toEqual([
      ['Occurrences weekend', '2031-10-17T16:00:00.000Z', '2031-10-20T06:00:00.000Z'],
      ['Occurrences night', '2031-10-22T20:00:00.000Z', '2031-10-23T04:00:00.000Z'],
      ['Occurrences weekend', '2031-10-24T16:00:00.000Z', '2031-10-27T07:00:00.000Z'],
      ['Occurrences weekend', '2031-10-31T17:00:00.000Z', '2031-11-03T07:00:00.000Z'],
    ]);
    expect(res.body.occurrences[0]).toMatchObject({
      freezeId: weekly.body.id,
      services: ['occ'],
      environments: [],
      allDay: false,
      reason: null,
    });
    const other = await http('GET', url('/freezes/occurrences?from=2031-10-20T00:00:00Z&to=2031-11-03T00:00:00Z&service=other'));
    expect(other.body.occurrences.filter((o: { name: string }) => o.name.startsWith('Occurrences'))).toEqual([]);
    const tooWide = await http('GET', url('/freezes/occurrences?from=2031-01-01T00:00:00Z&to=2031-03-05T00:00:00Z'));
    expect(tooWide.status).toBe(400);
    expect(JSON.stringify(tooWide.body)).toContain('to');
    expect((await http('GET', url('/freezes/occurrences?from=2031-02-01T00:00:00Z&to=2031-01-01T00:00:00Z'))).status).toBe(400);
    expect((await http('GET', url('/freezes/occurrences?to=2031-01-01T00:00:00Z'))).status).toBe(400);
    await http('DELETE', url(`/freezes/${weekly.body.id}`));
    await http('DELETE', url(`/freezes/${once.body.id}`));
  });

  it.each<[string, object, string]>([
    ['end before start', { start: '2030-01-02T00:00:00Z', end: '2030-01-01T00:00:00Z' }, 'end'],
    ['a bad rrule', { start: '2030-01-04T16:00:00', timezone: 'Europe/Paris', rrule: 'FREQ=NEVER', duration: 'P1D' }, 'rrule'],
    ['an unknown zone', { start: '2030-01-04T16:00:00', timezone: 'Europe/Atlantis', rrule: 'FREQ=WEEKLY', duration: 'P1D' }, 'timezone'],
    ['a start without offset', { start: '2030-01-04T16:00:00', end: '2030-01-05T16:00:00Z' }, 'start'],
  ])('refuses %s with 400 naming the field', async (_name, body, field) => {
    const res = await http('POST', url('/freezes'), { body: { name: 'x', ...body } });
    expect(res.status).toBe(400);
    expect(res.body.invalidFields?.[0]?.name ?? res.body.detail).toContain(field);
  });

  it('imports the France 2027 holidays and a weekly freeze; a second import changes nothing; deployability follows them', async () => {
    const headers = { 'content-type': 'text/calendar' };
    const first = await http('POST', url('/freezes/import?services=shop&environments=7&timezone=Europe/Paris'), { raw: CALENDAR, headers });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ created: 12, updated: 0, unchanged: 0 });
    const again = await http('POST', url('/freezes/import?services=shop&environments=7&timezone=Europe/Paris'), { raw: CALENDAR, headers });
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 12 });
    expect(again.body.ids).toEqual(first.body.ids);

    const check = (at: string) => http('GET', url(`/deployability?service=shop&environment=7&at=${encodeURIComponent(at)}`));
    // 14 July 2027 (a Wednesday): the whole Paris day, until midnight Paris (22:00Z).
    const bastille = await check('2027-07-14T10:00:00Z');
    expect(bastille.body).toMatchObject({ allowed: false, nextAllowedAt: '2027-07-14T22:00:00.000Z' });
    expect(bastille.body.reasons).toEqual([
      { kind: 'freeze', id: expect.any(String), title: 'Fete nationale', until: '2027-07-14T22:00:00.000Z' },
    ]);
    // Friday 26 March 2027 17:00 Paris: the weekend before the spring change runs to Monday 08:00 Paris, but Monday 29
    // is Easter Monday, so the next allowed instant is Tuesday 00:00 Paris (22:00Z Monday, summer time).
    const easter = await check('2027-03-26T16:00:00Z');
    expect(easter.body.allowed).toBe(false);
    expect(easter.body.nextAllowedAt).toBe('2027-03-29T22:00:00.000Z');
    // The EXDATE: the weekend of 8 January is not frozen.
    expect((await check('2027-01-09T12:00:00Z')).body).toEqual({ allowed: true, reasons: [], nextAllowedAt: '2027-01-09T12:00:00.000Z' });
    // Another environment is not covered.
    expect((await http('GET', url('/deployability?service=shop&environment=4&at=2027-07-14T10:00:00Z'))).body.allowed).toBe(true);
  });

  it('refuses bad calendars: 400 naming the field, 413 over 10,000 events', async () => {
    const headers = { 'content-type': 'text/calendar' };
    const empty = await http('POST', url('/freezes/import'), { raw: 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n', headers });
    expect(empty.status).toBe(400);
    expect(empty.body.invalidFields[0].name).toBe('body');
    const badZone = CALENDAR.replace('TZID=Europe/Paris:20270101T160000', 'TZID=Mars/Olympus:20270101T160000');
    const zone = await http('POST', url('/freezes/import'), { raw: badZone, headers });
    expect(zone.status).toBe(400);
    expect(zone.body.invalidFields[0].name).toBe('VEVENT[11].DTSTART.TZID');
    const many = ['BEGIN:VCALENDAR', 'VERSION:2.0'];
    for (let i = 0; i <= 10_000; i++) many.push('BEGIN:VEVENT', `UID:e${i}`, 'DTSTART;VALUE=DATE:20300101', 'END:VEVENT');
    many.push('END:VCALENDAR');
    const tooMany = await http('POST', url('/freezes/import'), { raw: many.join('\r\n'), headers });
    expect([tooMany.status, tooMany.body.detail]).toEqual([413, expect.any(String)]);
    // Over 10 MB: refused by the body limit of the text/calendar parser, before anything reads it.
    const huge = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-PAD:${'x'.repeat(10 * 1024 * 1024)}\r\nEND:VCALENDAR\r\n`;
    const tooBig = await http('POST', url('/freezes/import'), { raw: huge, headers });
    expect([tooBig.status, tooBig.body.type]).toEqual([413, 'urn:tracker:problems:payload-too-large']);
    // A calendar far over the 16,384-character string cap of JSON bodies (about 1.6 MB) but within both limits is read.
    const big = ['BEGIN:VCALENDAR', 'VERSION:2.0'];
    for (let i = 0; i < 9_000; i++)
      big.push('BEGIN:VEVENT', `UID:big-${i}`, `SUMMARY:${'padding '.repeat(20)}`, 'DTSTART;VALUE=DATE:20300101', 'END:VEVENT');
    big.push('END:VCALENDAR');
    const read = await http('POST', url('/freezes/import?services=big'), { raw: big.join('\r\n'), headers });
    expect([read.status, read.body.created]).toEqual([200, 9_000]);
  });

  it('a freeze refuses a deployment Start (409 frozen); X-Freeze-Override lets it through, recorded in the changelog', async () => {
    const now = Date.now();
    await http('POST', url('/freezes'), {
      body: {
        name: 'Now',
        services: ['payments'],
        start: new Date(now - 60_000).toISOString(),
        end: new Date(now + 3_600_000).toISOString(),
      },
    });
    const body = { title: 'Deploy payments', attributes: { type: 1, service: 'payments', status: 1, environment: 7, source: 'ci' } };
    const refused = await http('POST', url('/event'), { body });
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe('urn:tracker:problems:frozen');
    expect(refused.body.freezes[0].name).toBe('Now');
    const overridden = await http('POST', url('/event'), { body, headers: { 'x-freeze-override': 'hotfix for INC-42' } });
    expect(overridden.status).toBe(200);
    expect(overridden.body.frozen).toBe(true);
    const log = (await http('GET', url(`/event/${overridden.body.id}/changelog`))).body.changelog;
    expect(log.find((e: { field: string }) => e.field === 'freeze').new).toMatch(/^override: hotfix for INC-42/);
    // A deployment of another service, and a non-Start, are not concerned.
    expect((await http('POST', url('/event'), { body: { ...body, attributes: { ...body.attributes, service: 'other' } } })).status).toBe(
      200,
    );
    expect((await http('POST', url('/event'), { body: { ...body, attributes: { ...body.attributes, status: 3 } } })).status).toBe(200);
  });

  it('answers about the year 9999 from recurrences started in 2025 (found by the fuzz: a 500 past year 9999, minutes of stepping)', async () => {
    const rules = ['FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31', 'FREQ=MONTHLY;BYDAY=-1FR', 'FREQ=WEEKLY;BYDAY=FR,SA', 'FREQ=DAILY;BYHOUR=0,12'];
    for (const [i, rrule] of rules.entries()) {
      const created = await http('POST', url('/freezes'), {
        body: {
          name: `far ${i}`,
          services: ['far-future'],
          timezone: 'Pacific/Kiritimati',
          start: '2025-01-03T18:00:00',
          rrule,
          duration: 'PT12H',
        },
      });
      expect(created.status).toBe(201);
    }
    // 9999-12-31 is a Friday; in Kiritimati (UTC+14) its 18:00 is 04:00Z that day, and the window would end in the year 10000.
    for (const at of ['9999-12-31T03:00:00Z', '9999-12-31T23:59:59.999Z', '9999-12-30T12:00:00Z']) {
      const res = await http('GET', url(`/deployability?service=far-future&environment=1&at=${at}`));
      expect(res.status).toBe(200);
      expect(res.body.nextAllowedAt === null || /^9999-12-3\dT/.test(res.body.nextAllowedAt)).toBe(true);
    }
    const covered = await http('GET', url('/deployability?service=far-future&environment=1&at=9999-12-30T12:00:00Z'));
    // 12:00Z on 30 December 9999 is 02:00 on Friday the 31st in Kiritimati: the DAILY 00:00 window (10:00Z) runs to 22:00Z;
    // the Friday 18:00 one has not begun.
    expect(covered.body.reasons.map((r: { title: string; until: string }) => [r.title, r.until])).toEqual([
      ['far 3', '9999-12-30T22:00:00.000Z'],
    ]);
  });

  it("deployability names another owner's lock and waits for its expiry", async () => {
    const lock = await http('POST', url('/locks'), { body: { service: 'inventory', environment: 7, owner: 'team-a', ttlSeconds: 600 } });
    expect(lock.status).toBe(201);
    const held = await http('GET', url('/deployability?service=inventory&environment=7'));
    expect(held.body).toMatchObject({ allowed: false, nextAllowedAt: lock.body.expiresAt });
    expect(held.body.reasons[0]).toMatchObject({ kind: 'lock', id: lock.body.id, until: lock.body.expiresAt });
    expect((await http('GET', url('/deployability?service=inventory&environment=7&owner=team-a'))).body.allowed).toBe(true);
  });
});
