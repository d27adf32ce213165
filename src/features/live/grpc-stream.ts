import { Metadata } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { constants as http2 } from 'node:http2';
import { Observable } from 'rxjs';
import { StoreUnavailableError, UnauthenticatedError } from '../../platform/errors/domain-errors';
import { formatCursor, LiveMessage } from './domain/live-message';
import type { StreamingCall } from './live.decorators';
import type { Subscription } from './subscription';

export interface GrpcStreamOptions {
  /** The `event` of a message (the event as the unary Get returns it, or `{ id }`). */
  event(msg: LiveMessage): unknown;
  /** When the caller's token expires (epoch ms): the call then ends UNAUTHENTICATED. */
  expiresAt?: number;
}

/**
 * A stream the server ended (overflow, shutdown, an unreadable log, an expired token) whose client does not take
 * its end within this is cut: its socket destroyed (SSE) or its HTTP/2 stream reset (gRPC). A client that reads
 * nothing never lets the end through (the end waits behind the unread messages in the socket or the call's flow
 * control window), so without the cut the connection and what is queued on it stay until the client goes away.
 */
export const END_FLUSH_MS = 5_000;

const logger = new Logger('LiveStreams');

/** Logs a server-ended stream the client did not read to its end (it is cut next). */
export function logCut(transport: 'sse' | 'grpc', reason: string | undefined, cursor: string): void {
  logger.warn({ transport, reason, cursor }, 'live stream cut: its client did not take the end of the stream');
}

/** Logs a subscriber that fell more than its buffer behind (its stream is ended; the client resumes). */
export function logOverflow(transport: 'sse' | 'grpc', cursor: string): void {
  logger.warn({ transport, cursor }, 'live stream ended: the subscriber fell more than its buffer behind');
}

/** The longest a Node timer can wait; a later expiry is checked again when it fires. */
const MAX_TIMER_MS = 2_000_000_000;

/** Calls `fire` at `at` (epoch ms), however far away; returns the cancel. */
export function timerAt(at: number, fire: () => void): () => void {
  let timer: NodeJS.Timeout;
  const arm = () => {
    const wait = at - Date.now();
    timer = setTimeout(wait > MAX_TIMER_MS ? arm : fire, Math.max(0, Math.min(wait, MAX_TIMER_MS)));
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}

/**
 * A subscription as the Observable a server-streaming @GrpcMethod returns: one `{ cursor, kind, event }` per
 * mutation. Backpressure: Nest writes each value to the call synchronously and buffers without bound when the call
 * is full, so the next message is taken only when the call does not need a drain; a slow reader's backlog stays
 * in its bounded Subscription. Ends: shutdown completes the call (OK); overflow and an unreadable log end it
 * UNAVAILABLE (the message names the resume_from to reconnect with: the last cursor delivered); an expired token
 * UNAUTHENTICATED.
 */
export function toGrpcStream(sub: Subscription, call: StreamingCall, options: GrpcStreamOptions): Observable<unknown> {
  return new Observable((subscriber) => {
    let expired = false;
    const cursor = () => formatCursor(sub.delivered);
    const cancelExpiry = options.expiresAt !== undefined ? timerAt(options.expiresAt, () => ((expired = true), sub.close())) : undefined;
    const onCancel = () => sub.close();
    call.once('cancelled', onCancel);
    // The stream is open (every check passed): the headers go now, so a client knows before the first mutation.
    // A call cancelled while the stream was opening has had its 'cancelled' already: close (and free its slot) now.
    if (call.cancelled) sub.close();
    else call.sendMetadata?.(new Metadata());
    void (async () => {
      try {
        for (let msg = await sub.next(); msg; msg = await sub.next()) {
          subscriber.next(
            msg.kind === 'lock.acquired'
              ? { cursor: formatCursor(msg.position), kind: msg.kind, lock: msg.data }
              : { cursor: formatCursor(msg.position), kind: msg.kind, event: options.event(msg) },
          );
          if (call.writableNeedDrain) await Promise.race([drained(call), sub.finished]);
        }
        if (!call.cancelled) cutUnlessFinished(call, sub.endReason ?? (expired ? 'expired' : undefined), cursor());
        // Errors go through the one error filter (DomainError kinds -> status codes).
        if (expired) {
          subscriber.error(
            new UnauthenticatedError(false, `The bearer token has expired; reconnect with a fresh one and resume_from ${cursor()}.`),
          );
        } else if (sub.endReason === 'overflow') {
          logOverflow('grpc', cursor());
          subscriber.error(
            new StoreUnavailableError(`The subscriber fell more than its buffer behind; reconnect with resume_from ${cursor()}.`, 1),
          );
        } else subscriber.complete();
      } catch {
        if (!call.cancelled) cutUnlessFinished(call, 'unavailable', cursor());
        subscriber.error(new StoreUnavailableError(`The live log could not be read; reconnect with resume_from ${cursor()}.`));
      }
    })();
    return () => {
      cancelExpiry?.();
      call.removeListener('cancelled', onCancel);
      sub.close();
    };
  });
}

/**
 * Once the stream is ended (its status queued behind the messages already written), resets the call's HTTP/2
 * stream (CANCEL) unless the call finished (its status went out) or the client cancelled within END_FLUSH_MS.
 * grpc-js offers a server handler no cancel: the HTTP/2 stream is found under the call (`call.call`, through any
 * interceptor's `nextCall`); when it is not there the call is left to the client.
 */
function cutUnlessFinished(call: StreamingCall, reason: string | undefined, cursor: string): void {
  let finished = false;
  const onFinish = () => (finished = true);
  call.once('finish', onFinish);
  const timer = setTimeout(() => {
    call.removeListener('finish', onFinish);
    if (finished || call.cancelled) return;
    const stream = http2StreamOf(call);
    if (!stream || stream.closed || stream.destroyed) return;
    logCut('grpc', reason, cursor);
    stream.close(http2.NGHTTP2_CANCEL);
  }, END_FLUSH_MS);
  timer.unref();
}

interface ResettableStream {
  closed: boolean;
  destroyed: boolean;
  close(code: number): void;
}

/** The HTTP/2 stream carrying a grpc-js server call, when it can be found. */
export function http2StreamOf(call: StreamingCall): ResettableStream | undefined {
  let node = (call as { call?: unknown }).call;
  for (let depth = 0; node && typeof node === 'object' && depth < 8; depth++) {
    const stream = (node as { stream?: Partial<ResettableStream> }).stream;
    if (stream && typeof stream.close === 'function' && typeof stream.closed === 'boolean') return stream as ResettableStream;
    node = (node as { nextCall?: unknown }).nextCall;
  }
  return undefined;
}

function drained(call: StreamingCall): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.removeListener('drain', done);
      call.removeListener('cancelled', done);
      call.removeListener('close', done);
      resolve();
    };
    call.once('drain', done);
    call.once('cancelled', done);
    call.once('close', done);
  });
}
