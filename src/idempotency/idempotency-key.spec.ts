import { InvalidInputError } from '../platform/errors/domain-errors';
import { canonicalJson, checkIdempotencyKey, requestHash } from './idempotency-key';

describe('checkIdempotencyKey', () => {
  it.each([[undefined], [null], ['']])('treats %p as no key', (v) => expect(checkIdempotencyKey(v)).toBeUndefined());

  it('accepts UUIDs and other visible ASCII', () => {
    expect(checkIdempotencyKey('8e03978e-40d5-43e8-bc93-6894a57f9324')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(checkIdempotencyKey(['a:b/c'])).toBe('a:b/c');
  });

  it.each([['has space'], ['x'.repeat(256)], ['naïve'], [42]])('rejects %p naming the header', (v) => {
    expect(() => checkIdempotencyKey(v)).toThrow(InvalidInputError);
    expect(() => checkIdempotencyKey(v)).toThrow(/Idempotency-Key/);
  });
});

describe('requestHash', () => {
  it('ignores key order and undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(requestHash({ a: 1, b: 2 })).toBe(requestHash({ b: 2, a: 1 }));
  });

  it('tells different bodies apart', () => {
    expect(requestHash({ a: 1 })).not.toBe(requestHash({ a: 2 }));
  });
});
