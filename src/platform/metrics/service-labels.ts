/** The `service` label value under which every service past METRICS_MAX_SERVICES is aggregated. */
export const OTHER_SERVICES_LABEL = '_other';

/**
 * The services that keep their own `service` label value when a metric family may show at most `max`: the
 * busiest (highest weight), ties broken by name (code-unit order). Deterministic, so every instance reading the
 * same data shows the same label values, and service names anyone can create (any token may record a
 * deployment) cannot grow the scrape without bound; the rest go under OTHER_SERVICES_LABEL.
 */
export function servicesWithOwnLabel(weights: ReadonlyMap<string, number>, max: number): Set<string> {
  if (weights.size <= max) return new Set(weights.keys());
  const ranked = [...weights].sort(([a, wa], [b, wb]) => wb - wa || (a < b ? -1 : a > b ? 1 : 0));
  return new Set(ranked.slice(0, max).map(([name]) => name));
}
