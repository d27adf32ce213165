import { Types } from 'mongoose';
import { EventRow, incidentSource, toFacts } from './facts';

const created = new Date('2024-03-01T00:00:00Z');
const row = (attributes: EventRow['attributes'], more: Partial<EventRow> = {}): EventRow => ({
  _id: new Types.ObjectId(),
  attributes,
  metadata: { createdAt: created },
  eventAt: attributes.startDate ?? created,
  ...more,
});
const status = (at: string, value: number, old: number | null = null) => ({
  at: new Date(at),
  field: 'attributes.status',
  old,
  new: value,
});

describe('tracker events -> insights facts', () => {
  it('a deployment: time from startDate else createdAt; links and intake marks carried over', () => {
    const start = new Date('2024-03-02T00:00:00Z');
    const { deployments, incidents } = toFacts([
      row(
        { type: 1, service: 'api', environment: 7, status: 5, startDate: start },
        { links: { pullRequestLink: 'pr' }, intake: { commitSha: 'abc1234', rollback: true } },
      ),
      row({ type: 1, service: 'api' }),
      row({ type: 2, service: 'api' }),
    ]);
    expect(incidents).toEqual([]);
    expect(deployments).toEqual([
      {
        id: expect.any(String),
        service: 'api',
        environment: 7,
        at: start,
        status: 5,
        rollback: true,
        commitSha: 'abc1234',
        pullRequestLink: 'pr',
      },
      { id: expect.any(String), service: 'api', at: created },
    ]);
  });

  it.each([
    [
      'endDate wins',
      { status: 8, startDate: new Date('2024-03-05T00:00:00Z'), endDate: new Date('2024-03-05T01:00:00Z') },
      [],
      '2024-03-05T00:00:00.000Z',
      '2024-03-05T01:00:00.000Z',
    ],
    [
      'opened and closed through the changelog (the last Close/Done counts)',
      { status: 9 },
      [
        status('2024-03-02T00:00:00Z', 7, 1),
        status('2024-03-03T00:00:00Z', 8, 7),
        status('2024-03-04T00:00:00Z', 7, 8),
        status('2024-03-06T00:00:00Z', 9, 7),
      ],
      '2024-03-02T00:00:00.000Z',
      '2024-03-06T00:00:00.000Z',
    ],
    [
      'reopened: unresolved',
      { status: 7 },
      [status('2024-03-03T00:00:00Z', 8, 7), status('2024-03-04T00:00:00Z', 7, 8)],
      '2024-03-01T00:00:00.000Z',
      undefined,
    ],
    ['created closed: resolved at creation', { status: 8 }, [], '2024-03-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z'],
    ['open: unresolved', { status: 7 }, [], '2024-03-01T00:00:00.000Z', undefined],
    [
      'reopened after a resolution that set endDate (PagerDuty incident.reopened): unresolved, the old endDate ignored',
      { status: 7, startDate: new Date('2024-03-05T00:00:00Z'), endDate: new Date('2024-03-05T01:00:00Z') },
      [status('2024-03-05T01:00:00Z', 8, 7), status('2024-03-05T02:00:00Z', 7, 8)],
      '2024-03-05T00:00:00.000Z',
      undefined,
    ],
  ])('an incident, %s', (_name, attributes, changelog, startedAt, resolvedAt) => {
    const [incident] = toFacts([row({ type: 4, service: 'api', environment: 7, ...attributes }, { changelog })]).incidents;
    expect(incident.startedAt.toISOString()).toBe(startedAt);
    expect(incident.resolvedAt?.toISOString()).toBe(resolvedAt);
  });

  it('an incident names a deployment by its id, whatever the case', () => {
    const [incident] = toFacts([row({ type: 4, service: 'api', relatedId: '65F0AAAABBBBCCCCDDDDEEEE' })]).incidents;
    expect(incident.relatedId).toBe('65f0aaaabbbbccccddddeeee');
  });

  it.each([
    ['pagerduty', 'pagerduty'],
    ['alertmanager', 'alertmanager'],
    ['grafana', 'grafana'],
    ['PagerDuty', 'pagerduty'],
    ['tracker', 'tracker'],
    ['github_actions', 'tracker'],
    ['pagerduty-v2', 'tracker'],
    [undefined, 'tracker'],
    ['', 'tracker'],
  ])('provenance: attributes.source %p -> %p', (source, expected) => {
    expect(incidentSource(source)).toBe(expected);
    const [incident] = toFacts([row({ type: 4, service: 'api', ...(source !== undefined ? { source } : {}) })]).incidents;
    expect(incident.source).toBe(expected);
  });

  it('a deployment: its endDate is when it finished, its relatedId lower-case', () => {
    const [d] = toFacts([
      row({ type: 1, service: 'api', startDate: created, endDate: new Date('2024-03-01T00:10:00Z'), relatedId: 'ABCDEF' }),
    ]).deployments;
    expect(d).toMatchObject({ finishedAt: new Date('2024-03-01T00:10:00Z'), relatedId: 'abcdef' });
    expect(toFacts([row({ type: 1, service: 'api' })]).deployments[0].finishedAt).toBeUndefined();
  });
});
