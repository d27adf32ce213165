import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../../../../platform/config/app-config.service';
import { validateEnv } from '../../../../platform/config/env.schema';
import { DomainError } from '../../../../platform/errors/domain-errors';
import type { TrackerEventRecordView } from '../../../tracker-events';
import { alertDeliveryKey, planAlertmanagerBody, SEVERITY_PRIORITY, SEVERITY_RANK, sourceOf } from './alertmanager-mapping';
import type { IncidentPlan } from './incident-plan';
import { PAGERDUTY_EVENT_STATUS, planPagerDutyEvent, priorityOf } from './pagerduty-mapping';
import { bearerTokenMatches, pagerDutySignatureMatches } from './webhook-auth';

const FIXTURES = join(__dirname, '..', '..', '..', '..', '..', 'test', 'fixtures', 'incidents');
const fixture = (path: string) => JSON.parse(readFileSync(join(FIXTURES, path), 'utf8'));
const config = new AppConfig(validateEnv({}));
const pd = { services: config.incidentIntake.services, environment: config.incidentIntake.environment };
const am = {
  serviceLabel: 'service',
  environments: config.intake.environments,
  defaultEnvironment: 7,
};

/** The field a refusal names. */
function refusedField(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    if (err instanceof DomainError && err.kind === 'invalid-input') return err.extra.invalidFields?.[0]?.name;
    throw err;
  }
  return undefined;
}

const recordOf = (plan: IncidentPlan) => {
  if (plan.kind !== 'record') throw new Error(`expected a record plan, got: ${plan.reason}`);
  return plan;
};
const stored = (attributes: Record<string, unknown>) => ({ attributes }) as unknown as TrackerEventRecordView;

describe('PagerDuty V3 mapping', () => {
  it.each([
    ['incident.triggered', 7],
    ['incident.reopened', 7],
    ['incident.acknowledged', 7],
    ['incident.resolved', 8],
  ])('%s -> status %i', (type, status) => {
    expect(PAGERDUTY_EVENT_STATUS[type]).toBe(status);
  });

  it('maps the triggered fixture: incident, service, environment, start, link, source', () => {
    const { id, plan } = planPagerDutyEvent(fixture('pagerduty/incident.triggered.json'), pd);
    expect(id).toBe('01DEN4JT3PKF5RQBQ3S1QEN9U6');
    const record = recordOf(plan);
    expect(record.create).toEqual({
      title: 'A little bump in the road',
      attributes: {
        type: 4,
        service: 'API Service',
        environment: 7,
        status: 7,
        source: 'pagerduty',
        startDate: '2020-04-09T15:16:27.000Z',
        priority: 2,
      },
      links: { ticket: 'https://acme.pagerduty.com/incidents/PGR0VU2' },
    });
    expect(record.intake).toEqual({ provider: 'pagerduty', externalId: 'PGR0VU2' });
  });

  it('correlates every event of one incident to one tracker event', () => {
    const ids = ['triggered', 'acknowledged', 'priority_updated', 'resolved', 'reopened'].map((t) =>
      recordOf(planPagerDutyEvent(fixture(`pagerduty/incident.${t}.json`), pd).plan).eventId.toHexString(),
    );
    expect(new Set(ids).size).toBe(1);
  });

  it('resolved closes at occurred_at', () => {
    const record = recordOf(planPagerDutyEvent(fixture('pagerduty/incident.resolved.json'), pd).plan);
    expect(record.create.attributes).toMatchObject({ status: 8, endDate: '2020-10-02T19:02:41.350Z', priority: 1 });
    expect(record.update(stored({ status: 7 }))).toEqual({
      attributes: { source: 'pagerduty', priority: 1, status: 8, endDate: '2020-10-02T19:02:41.350Z' },
    });
  });

  it.each([
    [
      'a late triggered never reopens a resolved incident',
      'triggered',
      { status: 8, endDate: new Date('2020-10-02T19:02:41.350Z') },
      undefined,
    ],
    [
      'a late acknowledged never reopens it either',
      'acknowledged',
      { status: 8, endDate: new Date('2020-10-02T19:02:41.350Z') },
      undefined,
    ],
    ['reopened after the resolution reopens it', 'reopened', { status: 8, endDate: new Date('2020-10-02T19:02:41.350Z') }, 7],
    ['reopened older than the stored resolution is late', 'reopened', { status: 8, endDate: new Date('2020-10-02T20:00:00Z') }, undefined],
    ['acknowledged of an open incident changes nothing', 'acknowledged', { status: 7 }, undefined],
    ['an older resolution leaves the stored end', 'resolved', { status: 8, endDate: new Date('2020-10-02T20:00:00Z') }, undefined],
  ])('%s', (_name, type, attributes, status) => {
    const update = recordOf(planPagerDutyEvent(fixture(`pagerduty/incident.${type}.json`), pd).plan).update(stored(attributes));
    expect(update?.attributes?.status).toBe(status);
  });

  it('priority_updated changes the priority only', () => {
    const update = recordOf(planPagerDutyEvent(fixture('pagerduty/incident.priority_updated.json'), pd).plan).update(stored({ status: 8 }));
    expect(update).toEqual({ attributes: { source: 'pagerduty', priority: 1 } });
  });

  it.each([
    [{ priority: { summary: 'P1' }, urgency: 'low' }, 1],
    [{ priority: { summary: 'P5' } }, 5],
    [{ priority: { name: 'p3' } }, 3],
    [{ priority: { summary: 'SEV-1' }, urgency: 'high' }, 2],
    [{ priority: null, urgency: 'high' }, 2],
    [{ urgency: 'low' }, 4],
    [{ urgency: 'medium' }, undefined],
    [{}, undefined],
  ])('priority of %j is %s', (data, priority) => {
    expect(priorityOf(data)).toBe(priority);
  });

  it('maps the service through INCIDENT_SERVICES, case-insensitively; an unmapped name is kept', () => {
    const services = new AppConfig(validateEnv({ INCIDENT_SERVICES: 'api service=checkout-api, Payments = payments' })).incidentIntake
      .services;
    const mapped = recordOf(planPagerDutyEvent(fixture('pagerduty/incident.triggered.json'), { services, environment: 6 }).plan);
    expect(mapped.create.attributes).toMatchObject({ service: 'checkout-api', environment: 6 });
    expect([...services]).toEqual([
      ['api service', 'checkout-api'],
      ['payments', 'payments'],
    ]);
  });

  it.each(['incident.annotated.json', 'service.updated.json'])('%s is skipped with the reason', (file) => {
    const { plan } = planPagerDutyEvent(fixture(`pagerduty/${file}`), pd);
    expect(plan).toEqual({ kind: 'skipped', reason: expect.stringContaining('is not one Tracker records') });
  });

  it.each([
    ['body', []],
    ['event', { event: 'x' }],
    ['event.id', { event: { event_type: 'incident.triggered' } }],
    ['event.occurred_at', { event: { id: 'a', event_type: 'incident.triggered', occurred_at: 'yesterday', data: {} } }],
    ['event.data', { event: { id: 'a', event_type: 'incident.resolved', occurred_at: '2024-01-01T00:00:00Z' } }],
    ['event.data.id', { event: { id: 'a', event_type: 'incident.resolved', occurred_at: '2024-01-01T00:00:00Z', data: {} } }],
    [
      'event.data.service.summary',
      { event: { id: 'a', event_type: 'incident.resolved', occurred_at: '2024-01-01T00:00:00Z', data: { id: 'P1' } } },
    ],
    [
      'event.data.service.summary',
      {
        event: {
          id: 'a',
          event_type: 'incident.resolved',
          occurred_at: '2024-01-01T00:00:00Z',
          data: { id: 'P1', service: { summary: 'pay\u202Ements' } },
        },
      },
    ],
    [
      'event.resource_type',
      { event: { id: 'a', event_type: 'incident.triggered', resource_type: 'service', occurred_at: '2024-01-01T00:00:00Z', data: {} } },
    ],
  ])('refuses a body without a readable %s (400 naming it)', (field, body) => {
    expect(refusedField(() => planPagerDutyEvent(body, pd))).toBe(field);
  });
});

describe('PagerDuty signatures', () => {
  const raw = Buffer.from(JSON.stringify(fixture('pagerduty/incident.triggered.json')));
  const sign = (secret: string, body: Buffer = raw) => `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;

  it.each([
    ['one matching signature', () => sign('s3cret'), true],
    ['the match among several (a rotation)', () => `${sign('old')},${sign('s3cret')}`, true],
    ['several with spaces after the commas', () => `${sign('old')}, ${sign('s3cret')}`, true],
    [
      'upper-case hex',
      () =>
        sign('s3cret')
          .replace(/[a-f]/g, (c) => c.toUpperCase())
          .replace('V1=', 'v1='),
      true,
    ],
    ['another secret only', () => sign('other'), false],
    ['a signature of other bytes', () => sign('s3cret', Buffer.concat([raw, Buffer.from(' ')])), false],
    ['another scheme', () => sign('s3cret').replace('v1=', 'v2='), false],
    ['no signature at all', () => '', false],
  ])('%s -> %s', (_name, header, expected) => {
    expect(pagerDutySignatureMatches('s3cret', raw, header())).toBe(expected);
  });

  it('a tampered byte fails', () => {
    const tampered = Buffer.from(raw);
    tampered[40] = tampered[40] === 0x61 ? 0x62 : 0x61;
    expect(pagerDutySignatureMatches('s3cret', tampered, sign('s3cret'))).toBe(false);
  });
});

describe('Alertmanager bearer token', () => {
  const token = 'am-token-0123456789abcdef';
  it.each([
    [`Bearer ${token}`, true],
    [`bearer ${token}`, true],
    [`Bearer ${token}x`, false],
    [`Bearer ${token.slice(1)}`, false],
    [`Basic ${token}`, false],
    [token, false],
    ['Bearer ', false],
    [undefined, false],
  ])('%s -> %s', (header, expected) => {
    expect(bearerTokenMatches(token, header)).toBe(expected);
  });
});

describe('Alertmanager and Grafana mapping', () => {
  it('tells Grafana by its orgId and alert fields', () => {
    expect(sourceOf(fixture('alertmanager/firing.json'))).toBe('alertmanager');
    expect(sourceOf(fixture('grafana/docs-example.json'))).toBe('grafana');
    const { orgId: _orgId, ...withoutOrg } = fixture('grafana/firing.json');
    expect(sourceOf(withoutOrg)).toBe('grafana');
  });

  it('maps each firing alert to one open incident: service label, environment label, severity, summary, startsAt', () => {
    const { source, alerts } = planAlertmanagerBody(fixture('alertmanager/firing.json'), am);
    expect(source).toBe('alertmanager');
    expect(alerts.map((a) => recordOf(a.plan).create)).toEqual([
      {
        title: 'BlackBox probe failure: https://checkout.example.org',
        attributes: {
          type: 4,
          service: 'checkout',
          environment: 7,
          status: 7,
          source: 'alertmanager',
          startDate: '2024-03-05T13:08:45.828Z',
          priority: 1,
          message: 'Instance https://checkout.example.org has been down for over 5m.',
        },
      },
      {
        title: 'BlackBox probe failure: https://checkout-eu.example.org',
        attributes: {
          type: 4,
          service: 'checkout',
          environment: 7,
          status: 7,
          source: 'alertmanager',
          startDate: '2024-03-05T13:09:15.100Z',
          priority: 3,
        },
      },
    ]);
  });

  it('a resolution is the same incident, closed at endsAt; a resend of either state is the same delivery', () => {
    const firing = planAlertmanagerBody(fixture('alertmanager/firing.json'), am).alerts[0];
    const resolved = planAlertmanagerBody(fixture('alertmanager/resolved.json'), am).alerts[0];
    expect(recordOf(resolved.plan).eventId.equals(recordOf(firing.plan).eventId)).toBe(true);
    expect(recordOf(resolved.plan).update(stored({ status: 7 }))).toEqual({
      attributes: { status: 8, endDate: '2024-03-05T13:41:15.828Z', source: 'alertmanager' },
    });
    expect(recordOf(resolved.plan).update(stored({ status: 8 }))).toBeUndefined();
    expect(recordOf(firing.plan).update(stored({ status: 8 }))).toBeUndefined();
    expect(recordOf(firing.plan).update(stored({ status: 7 }))).toBeUndefined();
    const again = planAlertmanagerBody(fixture('alertmanager/firing.json'), am).alerts[0];
    expect(alertDeliveryKey('alertmanager', again)).toBe(alertDeliveryKey('alertmanager', firing));
    expect(alertDeliveryKey('alertmanager', resolved)).not.toBe(alertDeliveryKey('alertmanager', firing));
  });

  it('skips an alert without a service label and one with an unmapped environment, saying why', () => {
    const { alerts } = planAlertmanagerBody(fixture('alertmanager/skipped.json'), am);
    expect(alerts.map((a) => a.plan)).toEqual([
      { kind: 'skipped', reason: 'the alert has no "service" label (ALERTMANAGER_SERVICE_LABEL)' },
      { kind: 'skipped', reason: 'environment "sandbox-42" is not mapped by INGEST_ENVIRONMENTS' },
    ]);
  });

  it('reads the service from ALERTMANAGER_SERVICE_LABEL', () => {
    const { alerts } = planAlertmanagerBody(fixture('grafana/docs-example.json'), { ...am, serviceLabel: 'team' });
    expect(alerts.map((a) => recordOf(a.plan).create.attributes.service)).toEqual(['blue', 'blue']);
  });

  it('maps Grafana: env label, offsets to UTC, source grafana', () => {
    const { source, alerts } = planAlertmanagerBody(fixture('grafana/firing.json'), am);
    expect(source).toBe('grafana');
    expect(recordOf(alerts[0].plan).create.attributes).toMatchObject({
      service: 'memory-cache',
      environment: 7,
      source: 'grafana',
      startDate: '2021-10-12T07:51:03.157Z',
      priority: 3,
    });
  });

  it.each([
    ['critical', 4, 1],
    ['error', 3, 2],
    ['high', 3, 2],
    ['warning', 2, 3],
    ['info', 1, 4],
    ['low', 1, 4],
  ])('severity %s ranks %i: priority %i', (severity, rank, priority) => {
    expect(SEVERITY_RANK[severity]).toBe(rank);
    expect(SEVERITY_PRIORITY[rank]).toBe(priority);
  });

  it.each([
    [undefined, ['recorded', 'recorded']],
    ['warning', ['recorded', 'recorded']],
    ['error', ['recorded', 'skipped']],
    ['critical', ['recorded', 'skipped']],
  ])('ALERTMANAGER_MIN_SEVERITY=%s keeps %j', (minSeverity, kept) => {
    const { alerts } = planAlertmanagerBody(fixture('alertmanager/firing.json'), { ...am, minSeverity });
    expect(alerts.map((a) => (a.plan.kind === 'record' ? 'recorded' : 'skipped'))).toEqual(kept);
  });

  it('an alert without a severity is below any minimum', () => {
    const { alerts } = planAlertmanagerBody(fixture('grafana/docs-example.json'), { ...am, serviceLabel: 'team', minSeverity: 'info' });
    expect(alerts[0].plan).toEqual({ kind: 'skipped', reason: 'severity "(none)" is below ALERTMANAGER_MIN_SEVERITY info' });
  });

  const body = (alert: Record<string, unknown>) => {
    const copy = fixture('alertmanager/firing.json');
    copy.alerts[1] = { ...copy.alerts[1], ...alert };
    return copy;
  };
  it.each([
    ['body', () => 'alerts'],
    ['alerts', () => ({ alerts: {} })],
    ['version', () => ({ ...fixture('alertmanager/firing.json'), version: '3' })],
    ['alerts[1].status', () => body({ status: 'pending' })],
    ['alerts[1].fingerprint', () => body({ fingerprint: undefined })],
    ['alerts[1].fingerprint', () => body({ fingerprint: 'has space' })],
    ['alerts[1].startsAt', () => body({ startsAt: 'soon' })],
    ['alerts[1].endsAt', () => body({ status: 'resolved' })],
    ['alerts[1].endsAt', () => body({ status: 'resolved', endsAt: '2024-03-05T13:00:00Z' })],
    ['alerts[1].labels', () => body({ labels: [] })],
    ['alerts[1].labels.severity', () => body({ labels: { service: 'x', severity: 3 } })],
    ['alerts[1].labels.service', () => body({ labels: { service: 'pay\u200Bments' } })],
    ['alerts[1].labels.env', () => body({ labels: { service: 'x', env: 'pro\u202Ed' } })],
    ['alerts', () => ({ alerts: Array.from({ length: 1001 }, () => ({})) })],
  ])('refuses the whole body when %s cannot be read (400 naming it)', (field, make) => {
    expect(refusedField(() => planAlertmanagerBody(make(), am))).toBe(field);
  });
});

describe('incident intake configuration', () => {
  it('has the documented defaults', () => {
    expect(config.incidentIntake).toEqual({
      pagerdutyWebhookSecret: undefined,
      alertmanagerWebhookToken: undefined,
      alertmanagerServiceLabel: 'service',
      alertmanagerMinSeverity: undefined,
      services: new Map(),
      environment: 7,
    });
  });

  it.each([
    ['INCIDENT_SERVICES', 'no pairs here'],
    ['INCIDENT_SERVICES', 'a=b,=c'],
    ['INCIDENT_SERVICES', 'pay\u202Ements=payments'],
    ['INCIDENT_ENVIRONMENT', '9'],
    ['INCIDENT_ENVIRONMENT', 'production'],
    ['ALERTMANAGER_MIN_SEVERITY', 'fatal'],
    ['ALERTMANAGER_SERVICE_LABEL', 'service-name'],
    ['ALERTMANAGER_WEBHOOK_TOKEN', 'too-short'],
    ['ALERTMANAGER_WEBHOOK_TOKEN', 'sixteen chars and a space'],
  ])('refuses %s=%j at start', (name, value) => {
    expect(() => validateEnv({ [name]: value })).toThrow(new RegExp(`^Invalid configuration: ${name}=`));
  });
});
