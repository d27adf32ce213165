import { fromProtoNames } from '../../src/common/astra/proto-names';

/** Drops the loader's synthetic oneof keys (`_x` for each proto3 `optional` field), at every depth. */
function withoutSyntheticOneofs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSyntheticOneofs);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !k.startsWith('_'))
      .map(([k, v]) => [k, withoutSyntheticOneofs(v)]),
  );
}

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
