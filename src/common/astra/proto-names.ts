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

/** An Astra list call as the gRPC loader decodes it: the REST query parameters under their proto names. */
export interface AstraListRequest {
  accountId?: string;
  include?: string;
  limit?: number;
  skip?: number;
  filter?: string[];
  orderBy?: string;
  count?: boolean;
  continue?: string;
}
