import { servicesWithOwnLabel } from './service-labels';

describe('servicesWithOwnLabel', () => {
  it('keeps every service while there are at most max', () => {
    expect(
      servicesWithOwnLabel(
        new Map([
          ['a', 1],
          ['b', 5],
        ]),
        2,
      ),
    ).toEqual(new Set(['a', 'b']));
  });

  it('keeps the busiest max services, ties by name', () => {
    const weights = new Map([
      ['quiet', 1],
      ['busy', 9],
      ['b-tied', 3],
      ['a-tied', 3],
    ]);
    expect(servicesWithOwnLabel(weights, 2)).toEqual(new Set(['busy', 'a-tied']));
    expect(servicesWithOwnLabel(weights, 1)).toEqual(new Set(['busy']));
  });

  it('keeps exactly max of many distinct services, the same ones whatever the order they came in', () => {
    const names = Array.from({ length: 3000 }, (_, i) => `svc-${String(i).padStart(4, '0')}`.padEnd(260, 'x'));
    const kept = servicesWithOwnLabel(new Map(names.map((n) => [n, 1])), 100);
    const reversed = servicesWithOwnLabel(new Map([...names].reverse().map((n) => [n, 1])), 100);
    expect(kept.size).toBe(100);
    expect(reversed).toEqual(kept);
    expect(kept.has(names[0]) && kept.has(names[99]) && !kept.has(names[100])).toBe(true);
  });
});
