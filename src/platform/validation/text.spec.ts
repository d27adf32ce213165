import { prefix, wellFormed } from './text';

describe('text', () => {
  const pair = '\u{1F600}'; // two code units

  it('cuts before a surrogate pair rather than through it', () => {
    expect(prefix(`ab${pair}`, 3)).toBe('ab');
    expect(prefix(`ab${pair}`, 4)).toBe(`ab${pair}`);
    expect(prefix(`ab${pair}c`, 4)).toBe(`ab${pair}`);
    expect(prefix('abc', 2)).toBe('ab');
    expect(prefix('abc', 5)).toBe('abc');
  });

  it('replaces lone surrogates and keeps pairs', () => {
    expect(wellFormed(`a\uD800b${pair}\uDC00`)).toBe(`a\uFFFDb${pair}\uFFFD`);
    expect(() => encodeURI(wellFormed(`x${pair}`.slice(0, 2)))).not.toThrow();
  });
});
