import { EventStatus } from '../../../contract/enums';
import { causesOf, DeploymentIndex, failureReason, fixesOf, MINUTE_MS, reworkReason, suspectedDeployments } from './causes';
import type { DeploymentFact, IncidentFact } from './facts';

const t = (hhmm: string) => new Date(`2025-01-10T${hhmm}:00Z`);
const WINDOW = 240 * MINUTE_MS;
const dep = (id: string, at: string, status: number, over: Partial<DeploymentFact> = {}): DeploymentFact => ({
  id,
  service: 'pay',
  environment: 7,
  at: t(at),
  status,
  ...over,
});
const inc = (over: Partial<IncidentFact> = {}): IncidentFact => ({
  id: 'i1',
  service: 'pay',
  environment: 7,
  source: 'tracker',
  startedAt: t('14:00'),
  ...over,
});
const { Success, Warning, Failure, Error: Err, Start } = EventStatus;

describe('causesOf: linked, else suspected', () => {
  it.each<[string, DeploymentFact[], Partial<IncidentFact>, ReturnType<typeof causesOf>]>([
    ['no deployment: none', [], {}, []],
    ['a Success that finished 1 h before: suspected', [dep('d1', '13:00', Success)], {}, [{ deploymentId: 'd1', how: 'suspected' }]],
    ['a Warning counts too', [dep('d1', '13:00', Warning)], {}, [{ deploymentId: 'd1', how: 'suspected' }]],
    [
      'Failure, Error and Start are never suspected',
      [dep('d1', '13:00', Failure), dep('d2', '13:10', Err), dep('d3', '13:20', Start)],
      {},
      [],
    ],
    ['the last to finish wins', [dep('d1', '12:00', Success), dep('d2', '13:00', Success)], {}, [{ deploymentId: 'd2', how: 'suspected' }]],
    [
      'finish time is endDate: the one that ended last wins, whatever its start',
      [dep('d1', '10:00', Success, { finishedAt: t('13:30') }), dep('d2', '13:00', Success)],
      {},
      [{ deploymentId: 'd1', how: 'suspected' }],
    ],
    ['finished exactly at the start: suspected', [dep('d1', '14:00', Success)], {}, [{ deploymentId: 'd1', how: 'suspected' }]],
    ['finished after the start: not', [dep('d1', '14:01', Success)], {}, []],
    ['exactly 240 min before: suspected', [dep('d1', '10:00', Success)], {}, [{ deploymentId: 'd1', how: 'suspected' }]],
    ['241 min before: not', [dep('d1', '09:59', Success)], {}, []],
    ['another service: not', [dep('d1', '13:00', Success, { service: 'web' })], {}, []],
    ['another environment: not', [dep('d1', '13:00', Success, { environment: 6 })], {}, []],
    [
      'same finish time: the greater id',
      [dep('da', '13:00', Success), dep('db', '13:00', Success)],
      {},
      [{ deploymentId: 'db', how: 'suspected' }],
    ],
    [
      'relatedId naming a deployment: linked, and nothing suspected',
      [dep('d1', '08:00', Success), dep('d2', '13:00', Success)],
      { relatedId: 'd1' },
      [{ deploymentId: 'd1', how: 'linked' }],
    ],
    [
      'linked even to a failed or much older deployment',
      [dep('d1', '01:00', Failure)],
      { relatedId: 'd1' },
      [{ deploymentId: 'd1', how: 'linked' }],
    ],
    ['relatedId naming no known deployment: no cause, nothing suspected', [dep('d2', '13:00', Success)], { relatedId: 'zz' }, []],
  ])('%s', (_name, deployments, over, expected) => {
    expect(causesOf(inc(over), new DeploymentIndex(deployments), WINDOW)).toEqual(expected);
  });

  it('the window is the configured one', () => {
    const index = new DeploymentIndex([dep('d1', '13:00', Success)]);
    expect(causesOf(inc(), index, 30 * MINUTE_MS)).toEqual([]);
    expect(causesOf(inc(), index, 60 * MINUTE_MS)).toEqual([{ deploymentId: 'd1', how: 'suspected' }]);
  });
});

describe('fixesOf: deployments naming the incident, oldest first', () => {
  it('lists each deployment whose relatedId is the incident id, by time then id', () => {
    const index = new DeploymentIndex([
      dep('h2', '16:00', Success, { relatedId: 'i1' }),
      dep('h1', '15:00', Failure, { relatedId: 'i1' }),
      dep('h0', '15:00', Success, { relatedId: 'i1' }),
      dep('x', '15:30', Success, { relatedId: 'i2' }),
      dep('y', '15:40', Success),
    ]);
    expect(fixesOf(inc(), index)).toEqual([{ deploymentId: 'h0' }, { deploymentId: 'h1' }, { deploymentId: 'h2' }]);
    expect(fixesOf(inc({ id: 'i3' }), index)).toEqual([]);
  });
});

describe('reworkReason', () => {
  const earlier = dep('d0', '10:00', Success);
  const index = new DeploymentIndex([earlier, dep('same', '12:00', Success), dep('later', '18:00', Success)]);
  const incidents = new Set(['i1']);
  it.each<[string, DeploymentFact, ReturnType<typeof reworkReason>]>([
    ['a plain deployment: none', dep('d', '12:00', Success), null],
    ['names an incident: fixesIncident', dep('d', '12:00', Success, { relatedId: 'i1' }), 'fixesIncident'],
    ['names an earlier deployment: redeploys', dep('d', '12:00', Success, { relatedId: 'd0' }), 'redeploys'],
    ['names a later deployment: not rework', dep('d', '12:00', Success, { relatedId: 'later' }), null],
    ['names a deployment at the same time with a smaller id: redeploys', dep('z', '12:00', Success, { relatedId: 'same' }), 'redeploys'],
    ['names itself: not rework', dep('d0', '10:00', Success, { relatedId: 'd0' }), null],
    ['names something unknown: not rework', dep('d', '12:00', Success, { relatedId: 'nope' }), null],
    ['the rollback mark alone', dep('d', '12:00', Warning, { rollback: true }), 'rollbackMark'],
    ['an incident first, then the mark', dep('d', '12:00', Warning, { rollback: true, relatedId: 'i1' }), 'fixesIncident'],
    ['a failed fix is rework all the same', dep('d', '12:00', Failure, { relatedId: 'i1' }), 'fixesIncident'],
  ])('%s', (_name, d, expected) => {
    expect(reworkReason(d, incidents, index)).toBe(expected);
  });
});

describe('failureReason: the first reason in the order status, rollback, linkedIncident, suspectedIncident', () => {
  const linked = new Set(['l']);
  const suspected = new Set(['s', 'l', 'f']);
  it.each<[string, DeploymentFact, ReadonlySet<string> | null, ReturnType<typeof failureReason>]>([
    ['Success: none', dep('x', '12:00', Success), suspected, null],
    ['Failure: status', dep('f', '12:00', Failure), suspected, 'status'],
    ['Error: status', dep('x', '12:00', Err), null, 'status'],
    ['Failure with the mark and a link: status, once', dep('l', '12:00', Failure, { rollback: true }), suspected, 'status'],
    ['the mark: rollback', dep('x', '12:00', Warning, { rollback: true }), null, 'rollback'],
    ['the mark and a link: rollback', dep('l', '12:00', Warning, { rollback: true }), null, 'rollback'],
    ['linked: linkedIncident', dep('l', '12:00', Success), suspected, 'linkedIncident'],
    ['suspected, counted: suspectedIncident', dep('s', '12:00', Success), suspected, 'suspectedIncident'],
    ['suspected, not counted (null): none', dep('s', '12:00', Success), null, null],
  ])('%s', (_name, d, s, expected) => {
    expect(failureReason(d, linked, s)).toBe(expected);
  });

  it('suspectedDeployments: only incidents without a relatedId suspect', () => {
    const index = new DeploymentIndex([dep('d1', '13:00', Success), dep('d2', '13:30', Success, { service: 'web' })]);
    const incidents = [inc({ id: 'a' }), inc({ id: 'b', relatedId: 'd1' }), inc({ id: 'c', service: 'web', relatedId: 'zz' })];
    expect([...suspectedDeployments(incidents, index, WINDOW)]).toEqual(['d1']);
  });
});
