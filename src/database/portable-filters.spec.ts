import { arrayElementsHave, containsText, escapeRegex } from './portable-filters';

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
});
