import type { ListResponse } from './list-response';

/**
 * Astra's JSON names end in `ID`/`IDs`/`URL`/`URI`; the .proto fields are snake_case, which the loader turns
 * into `resourceId`, `descriptionUrl`... These are the names that differ; every other field is spelled alike.
 */
const REST_TO_PROTO: Record<string, string> = {
  resourceID: 'resourceId',
  additionalResourceIDs: 'additionalResourceIds',
  correlationID: 'correlationId',
  descriptionURL: 'descriptionUrl',
  correctiveActionURL: 'correctiveActionUrl',
  resourceURI: 'resourceUri',
  resourceCollectionURL: 'resourceCollectionUrl',
  userID: 'userId',
  accountID: 'accountId',
  notificationID: 'notificationId',
};
const PROTO_TO_REST = Object.fromEntries(Object.entries(REST_TO_PROTO).map(([rest, proto]) => [proto, rest]));

function rename(object: object, names: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [names[k] ?? k, v]));
}

/** An Astra resource's top-level fields under their gRPC names. */
export function toProtoNames(resource: object): Record<string, unknown> {
  return rename(resource, REST_TO_PROTO);
}

/** A decoded gRPC message's top-level fields under their REST (Astra JSON) names. */
export function fromProtoNames(message: object): Record<string, unknown> {
  return rename(message, PROTO_TO_REST);
}

/**
 * A decoded message without the loader's synthetic oneof keys (`_ttl: 'ttl'` for each proto3 `optional`
 * field, from `oneofs: true`), at every depth: they are no fields of the message.
 */
export function withoutSyntheticOneofs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSyntheticOneofs);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !k.startsWith('_'))
      .map(([k, v]) => [k, withoutSyntheticOneofs(v)]),
  );
}

function restSpelled(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(restSpelled);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(fromProtoNames(value)).map(([k, v]) => [k, restSpelled(v)]));
}

/**
 * An Astra gRPC request as its DTO reads it. The request's own fields are the call's parameters (the REST
 * path and query parameters, under the loader's names: `accountId`, `eventId`, `orderBy`), so they stay; a
 * nested message is a resource body (`event`), which REST spells with Astra's JSON names at every depth, so
 * validation and its errors use the REST names (`event.resourceID`).
 */
export function fromProtoRequest(message: object): Record<string, unknown> {
  const plain = withoutSyntheticOneofs(message) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, restSpelled(v)]));
}

/**
 * A list page as the gRPC list responses carry it: resources in `items` under their proto names, or, with
 * include (REST items are then arrays of values), each row as JSON text in `rows`.
 */
export function toProtoList(page: ListResponse) {
  const included = page.items.length > 0 && Array.isArray(page.items[0]);
  return {
    type: page.type,
    version: page.version,
    items: included ? [] : page.items.map((item) => toProtoNames(item as object)),
    rows: included ? page.items.map((row) => JSON.stringify(row)) : [],
    metadata: page.metadata,
  };
}
