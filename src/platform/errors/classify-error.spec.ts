import { MongoBulkWriteError, MongoServerSelectionError } from 'mongodb';
import { classifyError } from './classify-error';

describe('classifyError: store outages', () => {
  it('classifies a selection timeout as unavailable, also when insertMany wraps it in a MongoBulkWriteError', () => {
    const timeout = new MongoServerSelectionError('connection <monitor> to 127.0.0.1:1 timed out', { servers: new Map() } as never);
    expect(classifyError(timeout)?.kind).toBe('unavailable');
    const wrapped = new MongoBulkWriteError(timeout, {} as never);
    expect(wrapped.name).toBe('MongoBulkWriteError');
    expect(classifyError(wrapped)).toMatchObject({ kind: 'unavailable', extra: { retryAfterSeconds: 5 } });
  });

  it('classifies a pool cleared by the monitor (frozen store) under a MongoBulkWriteError as unavailable', () => {
    class PoolClearedOnNetworkError extends Error {
      override get name() {
        return 'PoolClearedOnNetworkError';
      }
    }
    const cleared = new PoolClearedOnNetworkError('Connection to 127.0.0.1:1 was cleared');
    const wrapped = new MongoBulkWriteError(cleared, {} as never);
    expect(classifyError(wrapped)?.kind).toBe('unavailable');
    expect(classifyError(Object.assign(new Error('x'), { name: 'MongoBulkWriteError', errorResponse: cleared }))?.kind).toBe('unavailable');
  });

  it('leaves an unknown error unclassified (a bug: 500)', () => {
    expect(classifyError(new Error('boom'))).toBeUndefined();
  });
});
