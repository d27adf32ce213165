import {
  describeValues,
  EVENT_ENVIRONMENT_LABELS,
  EVENT_ENVIRONMENTS,
  EVENT_IMPACT_LABELS,
  EVENT_IMPACTS,
  EVENT_PRIORITIES,
  EVENT_PRIORITY_LABELS,
  EVENT_STATUS_LABELS,
  EVENT_STATUSES,
  EVENT_TYPE_LABELS,
  EVENT_TYPES,
  EventEnvironment,
  EventImpact,
  EventPriority,
  EventStatus,
  EventType,
  labelOf,
} from './enums';

// The events guide's tables, row by row: name, value, label (its priority list: "P1 (Critical)" ...).
describe('event type (the guide\'s "Event Types" table)', () => {
  it.each([
    ['Deployment', 1, 'Deployment'],
    ['Operation', 2, 'Operation'],
    ['Drift', 3, 'Drift'],
    ['Incident', 4, 'Incident'],
    ['RpaUsage', 5, 'RPA Usage'],
  ] as const)('%s is %i, labelled %s', (name, value, label) => {
    expect(EventType[name]).toBe(value);
    expect(EVENT_TYPE_LABELS[value]).toBe(label);
  });
});

describe('event status (the guide\'s "Status Values" table)', () => {
  it.each([
    ['Start', 1],
    ['Success', 3],
    ['Failure', 4],
    ['Warning', 5],
    ['Error', 6],
    ['Open', 7],
    ['Close', 8],
    ['Done', 9],
  ] as const)('%s is %i, labelled so', (name, value) => {
    expect(EventStatus[name]).toBe(value);
    expect(EVENT_STATUS_LABELS[value]).toBe(name);
  });
});

describe('event environment (the guide\'s "Environment Values" table)', () => {
  it.each([
    ['Development', 1, 'Development'],
    ['Integration', 2, 'Integration'],
    ['TNR', 3, 'TNR'],
    ['UAT', 4, 'UAT'],
    ['Recette', 5, 'Recette'],
    ['PreProduction', 6, 'Pre-production'],
    ['Production', 7, 'Production'],
    ['MCO', 8, 'MCO'],
  ] as const)('%s is %i, labelled %s', (name, value, label) => {
    expect(EventEnvironment[name]).toBe(value);
    expect(EVENT_ENVIRONMENT_LABELS[value]).toBe(label);
  });
});

describe('event priority (the guide: 1=P1/Critical .. 5=P5/Low, and "Set Appropriate Priority")', () => {
  it.each([
    ['P1', 1, 'P1 (Critical)'],
    ['P2', 2, 'P2 (High)'],
    ['P3', 3, 'P3 (Medium)'],
    ['P4', 4, 'P4 (Low)'],
    ['P5', 5, 'P5 (Trivial)'],
  ] as const)('%s is %i, labelled %s', (name, value, label) => {
    expect(EventPriority[name]).toBe(value);
    expect(EVENT_PRIORITY_LABELS[value]).toBe(label);
  });
});

describe('event impact (the guide: 1=Low, 3=High)', () => {
  it.each([
    ['Low', 1],
    ['Medium', 2],
    ['High', 3],
  ] as const)('%s is %i, labelled so', (name, value) => {
    expect(EventImpact[name]).toBe(value);
    expect(EVENT_IMPACT_LABELS[value]).toBe(name);
  });
});

describe('values and labels', () => {
  it.each([
    ['type', EventType, EVENT_TYPES, EVENT_TYPE_LABELS, [1, 2, 3, 4, 5]],
    ['status', EventStatus, EVENT_STATUSES, EVENT_STATUS_LABELS, [1, 3, 4, 5, 6, 7, 8, 9]],
    ['environment', EventEnvironment, EVENT_ENVIRONMENTS, EVENT_ENVIRONMENT_LABELS, [1, 2, 3, 4, 5, 6, 7, 8]],
    ['priority', EventPriority, EVENT_PRIORITIES, EVENT_PRIORITY_LABELS, [1, 2, 3, 4, 5]],
    ['impact', EventImpact, EVENT_IMPACTS, EVENT_IMPACT_LABELS, [1, 2, 3]],
  ] as [string, Record<string, number>, readonly number[], Record<number, string>, number[]][])(
    '%s: the values ascending, one label for each and no other',
    (_name, members, values, labels, expected) => {
      expect(values).toEqual(expected);
      expect(Object.values(members).sort((a, b) => a - b)).toEqual(expected);
      expect(Object.keys(labels).map(Number)).toEqual(expected);
      for (const label of Object.values(labels)) expect(label.trim()).toBe(label);
      expect(new Set(Object.values(labels)).size).toBe(expected.length);
    },
  );

  it('labelOf answers only the numbers of the enumeration', () => {
    expect(labelOf(EVENT_STATUS_LABELS, 8)).toBe('Close');
    expect([2, 0, 10, '8', null, undefined, 'toString'].map((v) => labelOf(EVENT_STATUS_LABELS, v))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('describeValues lists number and label in order', () => {
    expect(describeValues(EVENT_TYPE_LABELS)).toBe('1 Deployment, 2 Operation, 3 Drift, 4 Incident, 5 RPA Usage');
    expect(describeValues(EVENT_IMPACT_LABELS)).toBe('1 Low, 2 Medium, 3 High');
  });
});
