import { StoreUnavailableError, UnauthenticatedError } from '../common/errors/domain-errors';
import { Observable } from 'rxjs';
import { formatCursor, LiveMessage } from './domain/live-message';
import type { StreamingCall } from './live.decorators';
import type { Subscription } from './subscription';

export interface GrpcStreamOptions {
  /** The `event` of a message (the event as the unary Get returns it, or `{ id }`). */
  event(msg: LiveMessage): unknown;
  /** When the caller's token expires (epoch ms): the call then ends UNAUTHENTICATED. */
  expiresAt?: number;
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
 * change. Backpressure: Nest writes each value to the call synchronously and buffers without bound when the call
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
    void (async () => {
      try {
        for (let msg = await sub.next(); msg; msg = await sub.next()) {
          subscriber.next({ cursor: formatCursor(msg.position), kind: msg.kind, event: options.event(msg) });
          if (call.writableNeedDrain) await Promise.race([drained(call), sub.finished]);
        }
        // Errors go through the one error filter (DomainError kinds -> status codes).
        if (expired) {
          subscriber.error(
            new UnauthenticatedError(false, `The bearer token has expired; reconnect with a fresh one and resume_from ${cursor()}.`),
          );
        } else if (sub.endReason === 'overflow') {
          subscriber.error(
            new StoreUnavailableError(`The subscriber fell more than its buffer behind; reconnect with resume_from ${cursor()}.`, 1),
          );
        } else subscriber.complete();
      } catch {
        subscriber.error(new StoreUnavailableError(`The change log could not be read; reconnect with resume_from ${cursor()}.`));
      }
    })();
    return () => {
      cancelExpiry?.();
      call.removeListener('cancelled', onCancel);
      sub.close();
    };
  });
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
