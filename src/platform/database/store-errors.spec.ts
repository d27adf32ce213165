import { MongoBulkWriteError, MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import { isDuplicateKey, isStoreUnavailableError } from './store-errors';

describe('isDuplicateKey', () => {
  it.each([
    [{ code: 11000 }, true],
    [{ code: 11001 }, false],
    [null, false],
    [undefined, false],
  ])('isDuplicateKey(%p) = %p', (err, expected) => {
    expect(isDuplicateKey(err)).toBe(expected);
  });

  it('needs only the code: FerretDB sends no keyValue or keyPattern', () => {
    expect(isDuplicateKey(new MongoServerError({ code: 11000, errmsg: 'E11000 duplicate key error collection: t.x' }))).toBe(true);
  });
});

describe('isStoreUnavailableError', () => {
  const selection = () => new MongoServerSelectionError('connection <monitor> to 127.0.0.1:1 timed out', { servers: new Map() } as never);

  it.each([
    ['a network error', new MongoNetworkError('connect ECONNREFUSED 127.0.0.1:1')],
    ['a server selection timeout', selection()],
    [
      'a pool cleared by the monitor',
      Object.assign(new Error('Connection to 127.0.0.1:1 was cleared'), { name: 'PoolClearedOnNetworkError' }),
    ],
    [
      'Mongoose before the first connection',
      new Error('Cannot call `x.find()` before initial connection is complete if `bufferCommands = false`.'),
    ],
    ['a transient driver error', Object.assign(new Error('interrupted'), { errorLabelSet: new Set(['RetryableWriteError']) })],
    ['an outage wrapped by insertMany', new MongoBulkWriteError(selection() as never, {} as never)],
    [
      'an outage two wrappers deep',
      Object.assign(new Error('outer'), { cause: Object.assign(new Error('mid'), { errorResponse: selection() }) }),
    ],
  ])('is true for %s', (_name, err) => {
    expect(isStoreUnavailableError(err)).toBe(true);
  });

  it.each([
    ['a duplicate key', new MongoServerError({ code: 11000, errmsg: 'E11000 duplicate key' })],
    ['an unsupported operator', new MongoServerError({ code: 2, errmsg: 'unknown operator: name' })],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a non-error', 'ECONNREFUSED'],
  ])('is false for %s', (_name, err) => {
    expect(isStoreUnavailableError(err)).toBe(false);
  });

  it('ends on an error that wraps itself', () => {
    const loop = new Error('loop');
    Object.assign(loop, { cause: loop });
    expect(isStoreUnavailableError(loop)).toBe(false);
  });

  it('stops following wrappers after a few levels', () => {
    let err: Error = selection();
    for (let i = 0; i < 5; i++) err = Object.assign(new Error(`wrapper ${i}`), { cause: err });
    expect(isStoreUnavailableError(err)).toBe(false);
  });
});
