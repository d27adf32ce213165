export interface ValueBucket {
  value: number;
  count: number;
}

export interface MonthBucket {
  month: string;
  count: number;
}

type GroupRow = { _id: unknown; count: number };

/**
 * Counts keyed by several dimensions at once, summed per value of one of them: what a $group on that one
 * field would answer (an absent value is its own group, `_id` undefined).
 */
export function sumBy<D extends string>(rows: readonly { key: Partial<Record<D, unknown>>; count: number }[], dimension: D): GroupRow[] {
  const sums = new Map<unknown, number>();
  for (const r of rows) sums.set(r.key[dimension], (sums.get(r.key[dimension]) ?? 0) + r.count);
  return [...sums].map(([value, count]) => ({ _id: value, count }));
}

/** $group rows to buckets ordered by value; events without the field (optional ones) are left out. */
export function toValueBuckets(rows: GroupRow[]): ValueBucket[] {
  return rows
    .filter((r): r is { _id: number; count: number } => typeof r._id === 'number')
    .map((r) => ({ value: r._id, count: r.count }))
    .sort((a, b) => a.value - b.value);
}

/** $group rows keyed by "YYYY-MM" to buckets in calendar order. */
export function toMonthBuckets(rows: GroupRow[]): MonthBucket[] {
  return rows
    .filter((r): r is { _id: string; count: number } => typeof r._id === 'string' && /^\d{4}-\d{2}$/.test(r._id))
    .map((r) => ({ month: r._id, count: r.count }))
    .sort((a, b) => a.month.localeCompare(b.month));
}
