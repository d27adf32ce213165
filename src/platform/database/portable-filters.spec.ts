import { arrayElementsHave, containsText, dateRange, escapeRegex } from './portable-filters';

describe('portable filters', () => {
  it.each(['a.b', '^x$', 'a|b', '(x)?', 'a+b*', '[x]', '{2}', 'back\\slash', '/path/'])(
    'escapes %s into a literal substring test',
    (text) => {
      const source = escapeRegex(text);
      expect(new RegExp(source).test(`pre ${text} post`)).toBe(true);
      expect(new RegExp(`^${source}$`).test(text)).toBe(true);
    },
  );

  it('tests a substring with an escaped $regex', () => {
    expect(containsText('summary', 'a.b')).toEqual({ summary: { $regex: 'a\\.b' } });
  });

  it('matches object-array keys as dotted equalities, never $elemMatch', () => {
    expect(arrayElementsHave('labels', { name: 'env' })).toEqual({ 'labels.name': 'env' });
    expect(arrayElementsHave('labels', { name: 'env', value: 'prod' })).toEqual({
      $and: [{ 'labels.name': 'env' }, { 'labels.value': 'prod' }],
    });
  });

  it('bounds a date field by the window given (from and to inclusive, before exclusive), nothing without a bound', () => {
    const [from, to, before] = [new Date('2024-03-01T00:00:00Z'), new Date('2024-03-02T00:00:00Z'), new Date('2024-03-03T00:00:00Z')];
    expect(dateRange('changedAt', { from, to, before })).toEqual({ changedAt: { $gte: from, $lte: to, $lt: before } });
    expect(dateRange('eventAt', { before })).toEqual({ eventAt: { $lt: before } });
    expect(dateRange('eventAt', {})).toEqual({});
    expect(dateRange('eventAt', undefined)).toEqual({});
  });
});
