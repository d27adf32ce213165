import { sumBy, toMonthBuckets, toValueBuckets } from './stats-buckets';

describe('stats buckets', () => {
  it('orders value buckets and leaves out events without the field', () => {
    expect(
      toValueBuckets([
        { _id: 7, count: 2 },
        { _id: null, count: 4 },
        { _id: 1, count: 5 },
      ]),
    ).toEqual([
      { value: 1, count: 5 },
      { value: 7, count: 2 },
    ]);
  });

  it('orders months in calendar order', () => {
    expect(
      toMonthBuckets([
        { _id: '2024-02', count: 1 },
        { _id: '2023-12', count: 3 },
        { _id: undefined, count: 9 },
      ]),
    ).toEqual([
      { month: '2023-12', count: 3 },
      { month: '2024-02', count: 1 },
    ]);
  });

  it('sums counts keyed by several dimensions per value of one, an absent value being its own group', () => {
    const rows = [
      { key: { type: 1, month: '2024-01' }, count: 2 },
      { key: { type: 1, month: '2024-02' }, count: 3 },
      { key: { type: 4, month: '2024-01' }, count: 1 },
      { key: { month: '2024-02' }, count: 5 },
    ];
    expect(sumBy(rows, 'type')).toEqual([
      { _id: 1, count: 5 },
      { _id: 4, count: 1 },
      { _id: undefined, count: 5 },
    ]);
    expect(toMonthBuckets(sumBy(rows, 'month'))).toEqual([
      { month: '2024-01', count: 3 },
      { month: '2024-02', count: 8 },
    ]);
    expect(sumBy([], 'type')).toEqual([]);
  });
});
