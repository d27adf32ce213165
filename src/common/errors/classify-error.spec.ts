import { MongoServerSelectionError } from 'mongodb';
import { MongoBulkWriteError } from 'mongodb/lib/bulk/common';
import { classifyError } from './classify-error';

describe('classifyError: store outages', () => {
  it('classifies a selection timeout as unavailable, also when insertMany wraps it in a MongoBulkWriteError', () => {
    const timeout = new MongoServerSelectionError('connection <monitor> to 127.0.0.1:1 timed out', { servers: new Map() } as never);
    expect(classifyError(timeout)?.kind).toBe('unavailable');
    const wrapped = new MongoBulkWriteError(timeout as never, {} as never);
    expect(wrapped.name).toBe('MongoBulkWriteError');
    expect(classifyError(wrapped)).toMatchObject({ kind: 'unavailable', extra: { retryAfterSeconds: 5 } });
  });

  it('leaves an unknown error unclassified (a bug: 500)', () => {
    expect(classifyError(new Error('boom'))).toBeUndefined();
  });
});
