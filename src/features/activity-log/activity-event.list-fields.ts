import type { ListSpec } from '../../astra/list-query';
import { INCLUDABLE } from './activity-event.mapper';

const text = { type: 'string' } as const;
const texts = { type: 'string[]' } as const;
const time = { type: 'time' } as const;

/**
 * GET .../events through the Astra list library: every published scalar field (and the dotted data.* and
 * metadata.* paths) can be filtered and ordered; arrays can be filtered (eq = contains, in = substring of an
 * element). The stored document uses the API's field names, so paths equal names except id (`_id`).
 * Default order eventTime desc (the activity page's order); a page holds at most 1000 events.
 */
export const EVENTS_LIST_SPEC: ListSpec = {
  fields: {
    id: { type: 'string', path: '_id' },
    name: text,
    sequenceCount: { type: 'number' },
    summary: text,
    eventTime: time,
    source: text,
    resourceID: text,
    additionalResourceIDs: texts,
    resourceType: text,
    correlationID: text,
    severity: text,
    class: text,
    description: text,
    descriptionURL: text,
    correctiveAction: text,
    correctiveActionURL: text,
    visibility: texts,
    destinations: texts,
    resourceURI: text,
    resourceCollectionURL: texts,
    resourceMethod: text,
    resourceMethodResult: text,
    userID: text,
    accountID: text,
    'data.ttl': { type: 'number' },
    'data.isAcknowledgeable': text,
    'metadata.creationTimestamp': time,
    'metadata.modificationTimestamp': time,
    'metadata.createdBy': text,
    'metadata.modifiedBy': text,
    'metadata.labels': { type: 'object[]' },
    'metadata.labels.name': text,
    'metadata.labels.value': text,
  },
  includable: INCLUDABLE,
  defaultOrder: { field: 'eventTime', desc: true },
  idPath: '_id',
  maxLimit: 1000,
};
