import type { ListSpec } from '../../src/astra/list-query';

/** An event-like list spec for the src/astra unit specs and test/activity-log/astra-list.e2e-spec.ts. */
export const EVENT_LIKE_SPEC: ListSpec = {
  fields: {
    id: { type: 'string', path: '_id' },
    summary: { type: 'string' },
    severity: { type: 'string' },
    sequenceCount: { type: 'number' },
    eventTime: { type: 'time' },
    destinations: { type: 'string[]' },
    'data.ttl': { type: 'number' },
    'metadata.creationTimestamp': { type: 'time' },
    'metadata.labels': { type: 'object[]' },
    'metadata.labels.name': { type: 'string' },
  },
  includable: ['type', 'version', 'id', 'summary', 'severity', 'eventTime', 'sequenceCount'],
  defaultOrder: { field: 'eventTime', desc: true },
  idPath: '_id',
  maxLimit: 1000,
  extraParams: ['visibleTo'],
};
