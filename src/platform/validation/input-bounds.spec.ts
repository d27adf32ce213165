import {
  BoundedInput,
  boundsFor,
  DEFAULT_INPUT_BOUNDS,
  findBoundsViolation,
  InputBounds,
  undecodable,
  undecodableReason,
} from './input-bounds';

/** `depth` arrays nested in one another, built without recursion. */
function deepArrays(depth: number): unknown {
  let v: unknown = [];
  for (let i = 1; i < depth; i++) v = [v];
  return v;
}
function deepObjects(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}
function manyKeys(n: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) out[`k${i}`] = i;
  return out;
}

const D = DEFAULT_INPUT_BOUNDS;
const body = (attributes: Record<string, unknown>) => ({ title: 'x', attributes: { type: 1, service: 's', ...attributes } });

describe('findBoundsViolation: hostile shapes', () => {
  it.each<[string, unknown, string, RegExp]>([
    [
      'arrays nested 10,000 deep',
      body({ message: deepArrays(10_000) }),
      `attributes.message${'[0]'.repeat(D.maxDepth - 2)}`,
      /nested more than 16 levels/,
    ],
    [
      'objects nested 10,000 deep',
      body({ message: deepObjects(10_000) }),
      `attributes.message${'.a'.repeat(D.maxDepth - 2)}`,
      /nested more than 16 levels/,
    ],
    ['a body that is only nesting', deepArrays(10_000), `body${'[0]'.repeat(D.maxDepth)}`, /nested more than/],
    ['60,000 keys in one object', body(manyKeys(60_000)), 'attributes', /has more than 64 fields/],
    ['a huge array', body({ stakeHolders: new Array(1_000_000).fill('a') }), 'attributes.stakeHolders', /has more than 1000 entries/],
    ['a long string', body({ message: 'x'.repeat(100_000) }), 'attributes.message', /longer than 16384 characters/],
    ['a long key', { ['k'.repeat(10_000)]: 1 }, 'body', /field name longer than 128/],
    ['too many values overall', { a: Array.from({ length: 20 }, () => new Array(900).fill(0)) }, 'a[11]', /more than 10000 values/],
    [
      'deep nesting under a __proto__ key',
      JSON.parse(`{"__proto__":${'['.repeat(100)}${']'.repeat(100)}}`),
      `__proto__${'[0]'.repeat(D.maxDepth - 1)}`,
      /nested/,
    ],
    [
      'deep nesting under a constructor key',
      JSON.parse(`{"constructor":{"prototype":${'['.repeat(100)}${']'.repeat(100)}}}`),
      `constructor.prototype${'[0]'.repeat(D.maxDepth - 2)}`,
      /nested/,
    ],
  ])('%s', (_case, value, name, reason) => {
    const v = findBoundsViolation(value);
    expect(v?.name).toBe(name);
    expect(v?.reason).toMatch(reason);
  });

  it('reports the first violation in document order', () => {
    expect(findBoundsViolation({ a: 'ok', b: 'x'.repeat(D.maxLength + 1), c: deepArrays(100) })?.name).toBe('b');
    expect(findBoundsViolation({ a: ['ok', 'x'.repeat(D.maxLength + 1)] })?.name).toBe('a[1]');
  });

  it('accepts valid bodies, and exactly the caps', () => {
    expect(findBoundsViolation(body({ message: 'm'.repeat(10_000), stakeHolders: ['a', 'b'], startDate: '2024-01-15' }))).toBeUndefined();
    expect(findBoundsViolation(manyKeys(D.maxKeys))).toBeUndefined();
    expect(findBoundsViolation({ a: new Array(D.maxItems).fill(1) })).toBeUndefined();
    expect(findBoundsViolation({ a: 'x'.repeat(D.maxLength) })).toBeUndefined();
    expect(findBoundsViolation(deepArrays(D.maxDepth))).toBeUndefined();
    expect(findBoundsViolation(deepArrays(D.maxDepth + 1))).toEqual({
      name: `body${'[0]'.repeat(D.maxDepth)}`,
      reason: `is nested more than ${D.maxDepth} levels deep`,
    });
    expect(findBoundsViolation(null)).toBeUndefined();
    expect(findBoundsViolation('text')).toBeUndefined();
    expect(findBoundsViolation(undefined)).toBeUndefined();
  });

  it('is iterative: no depth overflows the stack, even with the depth cap lifted', () => {
    const unbounded: InputBounds = { ...D, maxDepth: Infinity, maxNodes: Infinity };
    expect(findBoundsViolation(deepArrays(1_000_000), unbounded)).toBeUndefined();
    expect(findBoundsViolation(deepObjects(10_000), unbounded)).toBeUndefined();
  });

  it('reads only own keys: an inherited (polluted) property is not walked', () => {
    const polluted = Object.create({ inherited: deepArrays(100) }) as Record<string, unknown>;
    polluted.own = 1;
    expect(findBoundsViolation(polluted)).toBeUndefined();
    const nullProto = Object.assign(Object.create(null), { a: deepArrays(100) });
    expect(findBoundsViolation(nullProto)?.name).toMatch(/^a\[0\]/);
  });

  it('costs O(caps): a 60,000-key object is refused after reading the first keys', () => {
    let reads = 0;
    const counted = new Proxy(manyKeys(60_000), {
      get(target, key) {
        reads++;
        return Reflect.get(target, key);
      },
    });
    expect(findBoundsViolation({ attributes: counted })?.name).toBe('attributes');
    expect(reads).toBe(0);
  });

  it('names the root when the input itself breaks a cap, and cuts long paths', () => {
    expect(findBoundsViolation(new Array(2000).fill(0), D, 'query')).toEqual({ name: 'query', reason: 'has more than 1000 entries' });
    const longKey = 'k'.repeat(D.maxKeyLength);
    let v: unknown = 'x'.repeat(D.maxLength + 1);
    for (let i = 0; i < 10; i++) v = { [longKey]: v };
    expect(findBoundsViolation(v)?.name.length).toBeLessThanOrEqual(203);
  });
});

describe('per-field bounds', () => {
  @BoundedInput({ visibility: { maxItems: 4 }, 'data.tags': { maxItems: 2, maxLength: 3 }, data: { maxKeys: 1 } })
  class Dto {}

  it('tighten the defaults for the named fields only', () => {
    const bounds = boundsFor(Dto);
    expect(findBoundsViolation({ visibility: ['a', 'b', 'c', 'd'] }, bounds)).toBeUndefined();
    expect(findBoundsViolation({ visibility: ['a', 'b', 'c', 'd', 'e'] }, bounds)).toEqual({
      name: 'visibility',
      reason: 'has more than 4 entries',
    });
    expect(findBoundsViolation({ other: ['a', 'b', 'c', 'd', 'e'] }, bounds)).toBeUndefined();
    expect(findBoundsViolation({ data: { tags: ['abc', 'abcd'] } }, bounds)).toEqual({
      name: 'data.tags[1]',
      reason: 'is longer than 3 characters',
    });
    expect(findBoundsViolation({ data: { tags: [], x: 1 } }, bounds)).toEqual({ name: 'data', reason: 'has more than 1 fields' });
  });

  it('never loosen them', () => {
    @BoundedInput({ big: { maxItems: 1_000_000 } })
    class Loose {}
    expect(findBoundsViolation({ big: new Array(D.maxItems + 1).fill(0) }, boundsFor(Loose))?.reason).toBe(
      `has more than ${D.maxItems} entries`,
    );
  });

  it('a class without @BoundedInput (or no class) gets the defaults', () => {
    class Plain {}
    expect(boundsFor(Plain)).toBe(D);
    expect(boundsFor(undefined)).toBe(D);
    expect(boundsFor(Object)).toBe(D);
  });
});

describe('undecodable gRPC requests', () => {
  it('carry their decoding error, and nothing else looks like one', () => {
    expect(undecodableReason(undecodable('maximum nesting depth exceeded'))).toBe('maximum nesting depth exceeded');
    expect(undecodableReason({})).toBeUndefined();
    expect(undecodableReason(null)).toBeUndefined();
    expect(undecodableReason('x')).toBeUndefined();
    expect(JSON.stringify(undecodable('x'))).toBe('{}');
  });
});
