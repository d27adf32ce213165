import { createSseReader } from './sse';
import { getToken } from './token';
import { type QueryValue, withQuery } from './url';

export type LiveState = 'connecting' | 'live' | 'reconnecting';
export type ChangeKind = 'created' | 'updated' | 'deleted';

export interface StreamHandlers<T> {
  /** Each change, in the log's order. */
  onChange(kind: ChangeKind, data: T): void;
  /** The stream is open (first time and after every reconnect): a list shown meanwhile may be stale. */
  onOpen(resumed: boolean): void;
  onState(state: LiveState): void;
}

const wait = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const id = window.setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      window.clearTimeout(id);
      resolve();
    });
  });

/**
 * Reads a Server-Sent Events stream with fetch (an EventSource cannot send the Authorization header) and
 * the reader in sse.ts. After a dropped connection it reconnects with `Last-Event-ID` = the last cursor seen, so
 * no change is missed; a cursor the service no longer holds (410) starts over from now, and the caller reloads.
 * Returns the function that stops it.
 */
export function openStream<T>(path: string, query: Record<string, QueryValue>, handlers: StreamHandlers<T>): () => void {
  const stop = new AbortController();
  let cursor: string | undefined;
  let backoff = 500;
  const run = async () => {
    while (!stop.signal.aborted) {
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      const token = getToken();
      if (token) headers.authorization = `Bearer ${token}`;
      const resumed = cursor !== undefined;
      if (cursor) headers['last-event-id'] = cursor;
      handlers.onState(resumed ? 'reconnecting' : 'connecting');
      try {
        const res = await fetch(withQuery(path, query), { headers, signal: stop.signal, cache: 'no-store', credentials: 'omit' });
        if (res.status === 410) {
          cursor = undefined;
          continue;
        }
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        handlers.onState('live');
        handlers.onOpen(resumed);
        backoff = 500;
        const parser = createSseReader({
          onId: (id) => {
            if (id) cursor = id;
          },
          onEvent: (message) => {
            if (message.event === 'created' || message.event === 'updated' || message.event === 'deleted')
              handlers.onChange(message.event, JSON.parse(message.data) as T);
          },
        });
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
      } catch {
        // dropped, refused or aborted: retry below unless stopped
      }
      if (stop.signal.aborted) return;
      handlers.onState('reconnecting');
      await wait(backoff, stop.signal);
      backoff = Math.min(backoff * 2, 10_000);
    }
  };
  void run();
  return () => stop.abort();
}
