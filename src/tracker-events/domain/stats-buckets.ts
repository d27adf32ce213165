export interface ValueBucket {
  value: number;
  count: number;
}

export interface MonthBucket {
  month: string;
  count: number;
}

type GroupRow = { _id: unknown; count: number };

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
