import { ArgumentsHost } from '@nestjs/common';
import { Metadata, status } from '@grpc/grpc-js';
import { firstValueFrom, Observable } from 'rxjs';
import { AllErrorsFilter } from './all-errors.filter';
import { InvalidInputError } from './domain-errors';

/** What the filter hands grpc-js for `exception` thrown in a gRPC handler. */
async function grpcError(exception: unknown): Promise<{ code: number; message: string; metadata: Metadata }> {
  const host = { getType: () => 'rpc', switchToRpc: () => ({ getContext: () => new Metadata() }) } as unknown as ArgumentsHost;
  const answer = new AllErrorsFilter().catch(exception, host) as Observable<never>;
  return firstValueFrom(answer).then(
    () => Promise.reject(new Error('the filter answered without an error')),
    (err: { code: number; message: string; metadata: Metadata }) => err,
  );
}

describe('AllErrorsFilter on gRPC', () => {
  it('sends a message grpc-js can percent-encode: lone surrogates become U+FFFD (the call was never answered)', async () => {
    const err = await grpcError(InvalidInputError.field('VEVENT[0].DTSTART', 'cannot be read ("x\uDB40")'));
    expect(err.code).toBe(status.INVALID_ARGUMENT);
    expect(err.message).toBe('VEVENT[0].DTSTART: cannot be read ("x\uFFFD")');
    expect(() => encodeURI(err.message)).not.toThrow();
    expect(err.metadata.get('correlation-id')).toHaveLength(1);
  });

  it('caps a long message without cutting a surrogate pair', async () => {
    const err = await grpcError(InvalidInputError.field('id', `${'a'.repeat(1011)}${'\u{1F600}'.repeat(600)}`));
    expect(err.message.endsWith('... (truncated)')).toBe(true);
    expect(err.message.length).toBeLessThanOrEqual(1024 + '... (truncated)'.length);
    expect(() => encodeURI(err.message)).not.toThrow();
  });

  it('answers INTERNAL without internals for an unclassified error', async () => {
    const err = await grpcError(new TypeError('secret detail'));
    expect(err).toMatchObject({ code: status.INTERNAL, message: 'Internal error' });
  });
});
