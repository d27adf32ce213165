import { DEFAULT_INPUT_BOUNDS, findBoundsViolation } from './input-bounds';
import { scanJsonBounds } from './json-bounds';

const D = DEFAULT_INPUT_BOUNDS;
const scan = (text: string) => scanJsonBounds(Buffer.from(text));
const deep = (depth: number, kind: 'array' | 'object') =>
  kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const keys = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')}}`;
const body = (attributes: string) => `{"title":"x","attributes":{"type":1,"service":"s",${attributes}}}`;

describe('scanJsonBounds: the structural bounds on the raw text', () => {
  it.each<[string, string, string, RegExp]>([
    [
      'arrays nested 10,000 deep',
      body(`"message":${deep(10_000, 'array')}`),
      `attributes.message${'[0]'.repeat(D.maxDepth - 2)}`,
      /nested more than 16/,
    ],
    [
      'objects nested 100,000 deep',
      body(`"message":${deep(100_000, 'object')}`),
      `attributes.message${'.a'.repeat(D.maxDepth - 2)}`,
      /nested more than 16/,
    ],
    ['a body that is only nesting', deep(10_000, 'array'), `body${'[0]'.repeat(D.maxDepth)}`, /nested/],
    ['60,000 keys', body(keys(60_000).slice(1, -1)), 'attributes', /has more than 64 fields/],
    [
      'a huge array',
      body(`"stakeHolders":[${new Array(200_000).fill('"a"').join(',')}]`),
      'attributes.stakeHolders',
      /has more than 1000 entries/,
    ],
    [
      'too many values overall',
      `{"a":[${new Array(20).fill(`[${new Array(900).fill(0).join(',')}]`).join(',')}]}`,
      'a[11][86]',
      /more than 10000 values/,
    ],
    [
      'escaped keys are named decoded',
      '{"a\\"b":{"c\\u0064":' + deep(100, 'array') + '}}',
      `a"b.cd${'[0]'.repeat(D.maxDepth - 2)}`,
      /nested/,
    ],
  ])('%s', (_case, text, name, reason) => {
    const v = scan(text);
    expect(v?.name).toBe(name);
    expect(v?.reason).toMatch(reason);
  });

  it('agrees with the walk of the parsed value on structural violations', () => {
    for (const text of [
      body(`"message":${deep(40, 'array')}`),
      body(keys(100).slice(1, -1)),
      `{"v":[${new Array(1001).fill(1).join(',')}]}`,
    ]) {
      const parsed = findBoundsViolation(JSON.parse(text));
      expect(scan(text)?.reason).toBe(parsed?.reason);
    }
  });

  it('accepts valid bodies and exactly the caps', () => {
    expect(
      scan(body('"message":"a, b: [c] {d} \\"e\\" \\\\","stakeHolders":["x","y"],"notification":true,"priority":null')),
    ).toBeUndefined();
    expect(scan(keys(D.maxKeys))).toBeUndefined();
    expect(scan(`{"a":[${new Array(D.maxItems).fill('1.5e3').join(',')}]}`)).toBeUndefined();
    expect(scan(deep(D.maxDepth, 'array'))).toBeUndefined();
    expect(scan(deep(D.maxDepth + 1, 'array'))).toEqual({
      name: `body${'[0]'.repeat(D.maxDepth)}`,
      reason: `is nested more than ${D.maxDepth} levels deep`,
    });
    expect(scan(`{"m":"${'x'.repeat(1_000_000)}"}`)).toBeUndefined();
    expect(scan(' \n{"a" : [ 1 , { "b" : [ ] } ] }\n')).toBeUndefined();
    expect(scan('{"é😀":"ünïcödé ] } ["}')).toBeUndefined();
  });

  it('punctuation inside strings, and escaped quotes, are not structure', () => {
    const tricky = `{"a":"${'[{'.repeat(1000)}","b":"\\"[[[[[[[[[[[[[[[[[[[[[[[[","c":"\\\\"}`;
    expect(scan(tricky)).toBeUndefined();
    expect(JSON.parse(tricky)).toHaveProperty('c', '\\');
  });

  it('gives up on text that is not JSON (JSON.parse then reports it)', () => {
    for (const text of ['', '{', '{"a":1]', ']', '{"a":"unterminated', 'not json at all', '{"a":1}}']) expect(scan(text)).toBeUndefined();
  });

  it('stops at the first violation: a 60,000-key object is refused at its 65th key, before reading the rest', () => {
    // What follows the 100th key is not JSON: a scan that read on would reach it and give up (undefined).
    const text = `${body(keys(100).slice(1, -1)).slice(0, -2)},<<< never read ${'x'.repeat(880_000)}`;
    expect(scan(text)).toEqual({ name: 'attributes', reason: 'has more than 64 fields' });
  });
});
