/**
 * Overlap detection: which events of one group (same service, or same environment) ran at the same time.
 *
 * Ranges are half-open, [start, end): two events overlap when max(start) < min(end), so ranges that only touch
 * (one ends when the other starts) do not, and an event of zero length overlaps nothing. An event without an
 * end runs until the end of the query window.
 *
 * Order (stable, documented in the API): groups by key (code-unit order); within a group, pairs by the
 * later-starting event `b` (start, then id), then by the earlier one `a` (start, then id). `a` is the event
 * that sorts first by (start, id).
 */

export interface EventRange {
  id: string;
  title: string;
  /** The group key (service name, or environment number as text). */
  key: string;
  startDate: Date;
  /** Absent: still running, ends with the window. */
  endDate?: Date;
}

export interface OverlapPair {
  a: EventRange;
  b: EventRange;
  overlapMs: number;
}

export interface OverlapGroup {
  key: string;
  /** The group's pairs in order, cut short when the response cap was reached. */
  overlaps: OverlapPair[];
  /** Every overlapping pair of the group, listed or not. */
  total: number;
}

export interface OverlapResult {
  groups: OverlapGroup[];
  total: number;
  /** True when some pairs were counted but not listed (more than `maxPairs`). */
  truncated: boolean;
}

interface Interval {
  event: EventRange;
  start: number;
  end: number;
  done: boolean;
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sweep order: start, then id. */
function byStartThenId(x: Interval, y: Interval): number {
  return x.start - y.start || compareText(x.event.id, y.event.id);
}

/**
 * Every overlapping pair, grouped, in the order above; at most `maxPairs` are listed (all are counted).
 * Sorts each group by start and sweeps with the running events in a min-heap by end: O(n log n + listed pairs),
 * never a comparison of all pairs.
 */
export function findOverlaps(events: EventRange[], windowEnd: Date, maxPairs: number): OverlapResult {
  const byKey = new Map<string, Interval[]>();
  for (const event of events) {
    const interval = { event, start: event.startDate.getTime(), end: (event.endDate ?? windowEnd).getTime(), done: false };
    const group = byKey.get(event.key);
    if (group) group.push(interval);
    else byKey.set(event.key, [interval]);
  }
  const groups: OverlapGroup[] = [];
  let total = 0;
  let room = maxPairs;
  for (const key of [...byKey.keys()].sort(compareText)) {
    const overlaps: OverlapPair[] = [];
    const count = sweep(byKey.get(key)!.sort(byStartThenId), (a, b) => {
      if (overlaps.length >= room) return false;
      overlaps.push({ a: a.event, b: b.event, overlapMs: Math.min(a.end, b.end) - b.start });
      return true;
    });
    if (count === 0) continue;
    groups.push({ key, overlaps, total: count });
    total += count;
    room -= overlaps.length;
  }
  return { groups, total, truncated: total > maxPairs };
}

/**
 * One group, sorted by (start, id). `running` keeps the started, unfinished intervals in sweep order (finished
 * ones are flagged and compacted away once they outnumber the rest), so listing b's partners walks at most
 * about twice as many entries as it lists. `emit` returns false once nothing more may be listed; counting goes on.
 */
function sweep(sorted: Interval[], emit: (a: Interval, b: Interval) => boolean): number {
  const ends = new MinHeap<Interval>((x, y) => x.end - y.end);
  let running: Interval[] = [];
  let alive = 0;
  let count = 0;
  let listing = true;
  for (const b of sorted) {
    while (ends.size > 0 && ends.peek()!.end <= b.start) {
      ends.pop()!.done = true;
      alive--;
    }
    if (b.end <= b.start) continue;
    count += alive;
    if (listing && alive > 0) {
      for (const a of running) {
        if (!a.done && !emit(a, b)) {
          listing = false;
          break;
        }
      }
    }
    ends.push(b);
    running.push(b);
    alive++;
    if (running.length > 2 * alive + 16) running = running.filter((i) => !i.done);
  }
  return count;
}

/** A binary min-heap. */
export class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly less: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.less(a[i], a[parent]) >= 0) break;
      [a[i], a[parent]] = [a[parent], a[i]];
      i = parent;
    }
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l], a[m]) < 0) m = l;
        if (r < a.length && this.less(a[r], a[m]) < 0) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}
