import { once } from 'node:events';
import type { FastifyReply } from 'fastify';
import { formatCursor, LiveMessage } from './domain/live-message';
import type { Subscription } from './subscription';
import { END_FLUSH_MS, logCut, logOverflow, timerAt } from './grpc-stream';

/** A comment line this often keeps proxies from closing an idle stream. */
export const HEARTBEAT_MS = 15_000;

export interface SseOptions {
  /** The `data:` of a message (the event as its GET returns it, or `{ id }`). */
  data(msg: LiveMessage): unknown;
  /** When the caller's credentials stop being valid (epoch ms): the stream then ends with `problem()`. */
  expiresAt?: number;
  problem?: () => unknown;
}

/** One SSE message; `data` is JSON on one line (JSON.stringify never emits a raw newline). */
export function sseMessage(fields: { id?: string; event?: string; data?: unknown }): string {
  let out = '';
  if (fields.id !== undefined) out += `id: ${fields.id}\n`;
  if (fields.event !== undefined) out += `event: ${fields.event}\n`;
  if (fields.data !== undefined) out += `data: ${JSON.stringify(fields.data)}\n`;
  return `${out}\n`;
}

/**
 * Streams a subscription as text/event-stream on Fastify's raw response (the reply is hijacked, so nothing of
 * Nest's or Fastify's reply pipeline touches it; the headers Fastify already set, such as the correlation id,
 * are carried over). Backpressure: the next message is taken only once the socket accepted the last one, so a
 * slow reader's backlog waits in its bounded Subscription, which ends the stream when full.
 *
 * The stream begins with `retry:` and an id-only line carrying the starting cursor (an EventSource then resumes
 * from there even if nothing arrived). Ends: `event: end` with `{ reason, cursor }` (overflow or shutdown),
 * `event: problem` with a problem body (credentials expired), or the client going away.
 */
export async function streamSse(reply: FastifyReply, sub: Subscription, options: SseOptions): Promise<void> {
  const raw = reply.raw;
  reply.hijack();
  const headers: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[name] = value;
  raw.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  let open = true;
  const onGone = () => {
    open = false;
    sub.close();
  };
  raw.on('close', onGone);
  // The client went away while the stream was opening: 'close' has fired already and will not again.
  if (raw.destroyed) onGone();
  const write = async (chunk: string): Promise<void> => {
    // A full socket: wait for it to drain, unless the stream ends meanwhile (then the end is queued behind it).
    if (open && !raw.write(chunk) && open) {
      const stop = new AbortController();
      const ignore = () => undefined;
      await Promise.race([
        once(raw, 'drain', { signal: stop.signal }).catch(ignore),
        once(raw, 'close', { signal: stop.signal }).catch(ignore),
        sub.finished,
      ]);
      stop.abort();
    }
  };
  const heartbeat = setInterval(() => void write(': keep-alive\n\n'), HEARTBEAT_MS);
  let expired = false;
  const cancelExpiry =
    options.expiresAt !== undefined
      ? timerAt(options.expiresAt, () => {
          expired = true;
          sub.close();
        })
      : undefined;
  let reason: string | undefined;
  try {
    await write(`retry: 1000\n${sseMessage({ id: formatCursor(sub.delivered) })}`);
    for (let msg = await sub.next(); msg && open; msg = await sub.next()) {
      await write(sseMessage({ id: formatCursor(msg.position), event: msg.kind, data: options.data(msg) }));
    }
    reason = sub.endReason;
  } catch {
    // The live log could not be read (store outage during a catch-up): end so the client resumes.
    reason = 'unavailable';
  } finally {
    clearInterval(heartbeat);
    cancelExpiry?.();
    sub.close();
  }
  if (!open) return;
  const cursor = formatCursor(sub.delivered);
  if (reason === 'overflow') logOverflow('sse', cursor);
  if (expired && options.problem) await write(sseMessage({ event: 'problem', data: options.problem() }));
  else if (reason) await write(sseMessage({ event: 'end', data: { reason, cursor } }));
  raw.end();
  // A client that reads nothing never takes the end (it waits behind the unread messages): cut it. Destroying the
  // socket frees what waits in the process; the kernel still sends what it holds, then the FIN, so a client that
  // reads again gets every message up to the cut and resumes from the last id it got.
  setTimeout(() => {
    if (raw.writableFinished || raw.destroyed) return;
    logCut('sse', expired ? 'expired' : reason, cursor);
    raw.destroy();
  }, END_FLUSH_MS).unref();
}
