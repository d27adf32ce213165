import { fromProtoNames, withoutSyntheticOneofs } from '../../src/astra/proto-names';

/**
 * A decoded Astra gRPC resource in REST spelling, so it can be checked against the published schema. proto3
 * drops empty repeated fields, which REST always has: `metadata.labels` and (events and notifications)
 * `additionalResourceIDs`.
 */
export function astraMessageAsRest(message: Record<string, unknown>, isEvent = true): Record<string, any> {
  const out: Record<string, any> = fromProtoNames(withoutSyntheticOneofs(message) as Record<string, unknown>);
  if (isEvent) out.additionalResourceIDs ??= [];
  out.metadata = { labels: [], ...out.metadata };
  return out;
}
