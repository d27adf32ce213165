import { DeploymentIndex, MINUTE_MS } from './causes';
import type { IncidentFact } from './facts';
import { byListOrder, startedInRange, toIncidentView } from './incident-view';

const at = (iso: string) => new Date(`2025-01-${iso}Z`);
const fact = (over: Partial<IncidentFact> = {}): IncidentFact => ({
  id: 'i1',
  service: 'pay',
  source: 'pagerduty',
  startedAt: at('10T14:00:00'),
  ...over,
});
const view = (over: Partial<IncidentFact> = {}) => toIncidentView(fact(over), 'down', new DeploymentIndex([]), 240 * MINUTE_MS);

describe('toIncidentView', () => {
  it.each<[string, Partial<IncidentFact>, object]>([
    ['open: no resolution', {}, { status: 'open', resolvedAt: null, recoverySeconds: null }],
    ['resolved: seconds from start to resolution', { resolvedAt: at('10T15:30:00') }, { status: 'resolved', recoverySeconds: 5400 }],
    ['a resolution before the start: 0 s', { resolvedAt: at('10T13:00:00') }, { status: 'resolved', recoverySeconds: 0 }],
    ['no environment: null', {}, { environment: null }],
    ['an environment', { environment: 6 }, { environment: 6 }],
  ])('%s', (_name, over, expected) => {
    expect(view(over)).toMatchObject(expected);
  });

  it('carries title, source, service and its causes and fixes', () => {
    expect(view()).toEqual({
      id: 'i1',
      title: 'down',
      service: 'pay',
      environment: null,
      status: 'open',
      source: 'pagerduty',
      startedAt: at('10T14:00:00'),
      resolvedAt: null,
      recoverySeconds: null,
      causes: [],
      fixes: [],
    });
  });
});

describe('the list order: open first, then the newest start, then the greater id', () => {
  it('sorts a mixed list', () => {
    const list = [
      view({ id: 'a', startedAt: at('01T00:00:00'), resolvedAt: at('01T01:00:00') }),
      view({ id: 'b', startedAt: at('05T00:00:00') }),
      view({ id: 'c', startedAt: at('03T00:00:00'), resolvedAt: at('03T01:00:00') }),
      view({ id: 'd', startedAt: at('02T00:00:00') }),
      view({ id: 'e', startedAt: at('05T00:00:00') }),
    ];
    expect(list.sort(byListOrder).map((v) => v.id)).toEqual(['e', 'b', 'd', 'c', 'a']);
  });

  it.each<[string, object, boolean]>([
    ['no bounds', {}, true],
    ['from inclusive', { from: at('10T14:00:00') }, true],
    ['after from', { from: at('10T14:00:01') }, false],
    ['to inclusive', { to: at('10T14:00:00') }, true],
    ['before to', { to: at('10T13:59:59') }, false],
    ['before (exclusive)', { before: at('10T14:00:00') }, false],
  ])('startedInRange: %s', (_name, filter, expected) => {
    expect(startedInRange(fact(), filter)).toBe(expected);
  });
});
