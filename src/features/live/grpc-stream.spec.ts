import { EventEmitter } from 'node:events';
import { StoreUnavailableError } from '../../platform/errors/domain-errors';
import { constants as http2 } from 'node:http2';
import type { LiveMessage } from './domain/live-message';
import { END_FLUSH_MS, http2StreamOf, toGrpcStream } from './grpc-stream';
import type { StreamingCall } from './live.decorators';
import { Subscription } from './subscription';

const msg = (position: number): LiveMessage => ({ position, stream: 'tracker', kind: 'created', key: `e${position}`, at: 0, data: {} });

/** A grpc-js server call as far as the stream uses it, its HTTP/2 stream under an interceptor's `nextCall`. */
function fakeCall() {
  const stream = { closed: false, destroyed: false, close: jest.fn() };
  const call = Object.assign(new EventEmitter(), {
    cancelled: false,
    writableNeedDrain: false,
    sendMetadata: jest.fn(),
    call: { nextCall: { stream } },
  });
  return { call, stream };
}

/** A subscription that has overflowed (its stream ends with reason overflow). */
function overflowed(): Subscription {
  const sub = new Subscription(
    () => true,
    2,
    0,
    undefined,
    async () => [],
    () => undefined,
  );
  for (let p = 1; p <= 3; p++) sub.push(msg(p));
  return sub;
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('toGrpcStream: a server-ended call whose end does not go out is reset', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('finds the HTTP/2 stream under the call, through an interceptor', () => {
    const { call, stream } = fakeCall();
    expect(http2StreamOf(call as unknown as StreamingCall)).toBe(stream);
    expect(http2StreamOf(new EventEmitter() as unknown as StreamingCall)).toBeUndefined();
  });

  it('sends the headers at once, ends UNAVAILABLE on overflow, and resets the stream (CANCEL) when the call has not finished in time', async () => {
    const { call, stream } = fakeCall();
    const errors: unknown[] = [];
    toGrpcStream(overflowed(), call, { event: (m) => m.data }).subscribe({ error: (e) => errors.push(e) });
    expect(call.sendMetadata).toHaveBeenCalledTimes(1);
    await flush();
    expect(errors).toEqual([expect.any(StoreUnavailableError)]);
    jest.advanceTimersByTime(END_FLUSH_MS - 1);
    expect(stream.close).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(stream.close).toHaveBeenCalledWith(http2.NGHTTP2_CANCEL);
  });

  it('leaves a call whose end went out (finish) alone', async () => {
    const { call, stream } = fakeCall();
    toGrpcStream(overflowed(), call, { event: (m) => m.data }).subscribe({ error: () => undefined });
    await flush();
    call.emit('finish');
    jest.advanceTimersByTime(END_FLUSH_MS);
    expect(stream.close).not.toHaveBeenCalled();
  });
});

describe('toGrpcStream: a call cancelled while its stream was opening', () => {
  it('closes the subscription at once (its cancelled event has already fired) and sends nothing', async () => {
    const { call } = fakeCall();
    call.cancelled = true;
    const sub = new Subscription(
      () => true,
      10,
      0,
      undefined,
      async () => [],
      () => undefined,
    );
    const completed = jest.fn();
    toGrpcStream(sub, call, { event: (m) => m.data }).subscribe({ complete: completed });
    await flush();
    expect(call.sendMetadata).not.toHaveBeenCalled();
    expect(completed).toHaveBeenCalled();
    await expect(sub.finished).resolves.toBeUndefined();
  });
});
