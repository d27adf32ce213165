import fc from 'fast-check';
import { compareText, EventRange, findOverlaps, MinHeap, OverlapResult } from './overlaps';

const at = (minute: number) => new Date(Date.UTC(2024, 0, 1, 0, minute));
const ev = (id: string, key: string, start: number, end?: number): EventRange => ({
  id,
  title: `t${id}`,
  key,
  startDate: at(start),
  ...(end === undefined ? {} : { endDate: at(end) }),
});
const WINDOW_END = at(100);
const pairs = (r: OverlapResult) => r.groups.map((g) => [g.key, g.overlaps.map((p) => `${p.a.id}-${p.b.id}:${p.overlapMs / 60_000}`)]);

/** The reference: every pair of every group, compared directly, then sorted into the documented order. */
function bruteForce(events: EventRange[], windowEnd: Date, maxPairs: number): OverlapResult {
  const end = (e: EventRange) => (e.endDate ?? windowEnd).getTime();
  const start = (e: EventRange) => e.startDate.getTime();
  const first = (x: EventRange, y: EventRange) => start(x) - start(y) || compareText(x.id, y.id);
  const keys = [...new Set(events.map((e) => e.key))].sort(compareText);
  let room = maxPairs;
  let total = 0;
  const groups = [];
  for (const key of keys) {
    const members = events.filter((e) => e.key === key);
    const all = [];
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        const [a, b] = first(members[i], members[j]) < 0 ? [members[i], members[j]] : [members[j], members[i]];
        const overlapMs = Math.min(end(a), end(b)) - Math.max(start(a), start(b));
        if (overlapMs > 0) all.push({ a, b, overlapMs });
      }
    }
    if (all.length === 0) continue;
    all.sort((p, q) => first(p.b, q.b) || first(p.a, q.a));
    const listed = all.slice(0, Math.max(0, room));
    room -= listed.length;
    total += all.length;
    groups.push({ key, overlaps: listed, total: all.length });
  }
  return { groups, total, truncated: total > maxPairs };
}

describe('findOverlaps', () => {
  it('pairs intersecting ranges; touching ranges and zero-length events do not overlap', () => {
    const result = findOverlaps(
      [ev('1', 's', 0, 10), ev('2', 's', 5, 20), ev('3', 's', 20, 30), ev('4', 's', 25, 25), ev('5', 's', 10, 10)],
      WINDOW_END,
      100,
    );
    expect(pairs(result)).toEqual([['s', ['1-2:5']]]);
    expect(result).toMatchObject({ total: 1, truncated: false });
  });

  it('runs an event without an end until the end of the window', () => {
    const result = findOverlaps([ev('open', 's', 50), ev('late', 's', 90, 120), ev('early', 's', 0, 60)], WINDOW_END, 100);
    expect(pairs(result)).toEqual([['s', ['early-open:10', 'open-late:10']]]);
  });

  it('groups by key (sorted), never pairs across groups, orders pairs by b then a', () => {
    const result = findOverlaps(
      [ev('c', 'b', 0, 50), ev('a', 'b', 0, 50), ev('x', 'a', 10, 20), ev('y', 'z', 10, 20), ev('b', 'b', 10, 20)],
      WINDOW_END,
      100,
    );
    expect(pairs(result)).toEqual([['b', ['a-c:50', 'a-b:10', 'c-b:10']]]);
  });

  it('lists at most maxPairs and still counts every pair', () => {
    const many = Array.from({ length: 10 }, (_, i) => ev(String(i), i < 5 ? 'a' : 'b', 0, 10));
    const result = findOverlaps(many, WINDOW_END, 12);
    expect(result.total).toBe(20);
    expect(result.truncated).toBe(true);
    expect(result.groups.map((g) => [g.total, g.overlaps.length])).toEqual([
      [10, 10],
      [10, 2],
    ]);
  });

  it('matches the brute-force pairwise reference on any set of events (property)', () => {
    // Small integer minutes on purpose: ties, touching ends, zero lengths and identical ranges come up often.
    const event = fc.record({
      key: fc.constantFrom('a', 'b', 'c'),
      start: fc.integer({ min: 0, max: 40 }),
      length: fc.option(fc.integer({ min: 0, max: 30 }), { freq: 4 }),
    });
    fc.assert(
      fc.property(
        fc.array(event, { maxLength: 40 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 20, max: 80 }),
        (drawn, cap, windowEnd) => {
          const events = drawn.map((e, i) =>
            ev(`e${String(i).padStart(2, '0')}`, e.key, e.start, e.length === null ? undefined : e.start + e.length),
          );
          expect(findOverlaps(events, at(windowEnd), cap)).toEqual(bruteForce(events, at(windowEnd), cap));
        },
      ),
      { numRuns: Math.max(300, Number(process.env.FUZZ_RUNS) || 0) },
    );
  });
});

describe('MinHeap', () => {
  it('pops in order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), (values) => {
        const heap = new MinHeap<number>((a, b) => a - b);
        values.forEach((v) => heap.push(v));
        const out: number[] = [];
        while (heap.size) out.push(heap.pop()!);
        expect(out).toEqual([...values].sort((a, b) => a - b));
      }),
    );
  });
});
