/** One dispatched Server-Sent Events message: its type (`message` when the stream named none) and its data. */
export interface SseMessage {
  event: string;
  data: string;
}

export interface SseHandlers {
  /** Every `id:` field, as it is read: also the id-only message that opens a stream, which dispatches no event. */
  onId(id: string): void;
  onEvent(message: SseMessage): void;
}

/**
 * Parses a `text/event-stream` body fed in decoded chunks of any size, as the HTML standard's "interpreting an
 * event stream" says: lines end in CRLF, LF or CR (also split across chunks), a line starting with `:` is a
 * comment, one space after the colon is dropped, `data:` lines join with LF, a blank line dispatches (nothing when
 * no data was read), an `id:` holding NUL is ignored, and an event left unfinished at the end is never dispatched.
 * `retry:` is ignored (the caller has its own backoff). The console's own reader: eventsource-parser 4, which
 * reports id-only messages, requires Node 22 to install, and 3 drops them (docs/dependencies.md).
 */
export function createSseReader(handlers: SseHandlers): { feed(chunk: string): void } {
  let pending = '';
  let skipLineFeed = false;
  let data: string[] = [];
  let event = '';

  const line = (text: string): void => {
    if (text === '') {
      if (data.length > 0) handlers.onEvent({ event: event || 'message', data: data.join('\n') });
      data = [];
      event = '';
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\0')) handlers.onId(value);
  };

  return {
    feed(chunk: string): void {
      const text = pending + chunk;
      // A CR that ended the previous chunk already ended its line: an LF opening this one belongs to it.
      let start = skipLineFeed && text.startsWith('\n') ? 1 : 0;
      skipLineFeed = false;
      for (let i = start; i < text.length; i++) {
        const c = text[i];
        if (c !== '\n' && c !== '\r') continue;
        line(text.slice(start, i));
        if (c === '\r') {
          if (i + 1 === text.length) skipLineFeed = true;
          else if (text[i + 1] === '\n') i++;
        }
        start = i + 1;
      }
      pending = text.slice(start);
    },
  };
}
