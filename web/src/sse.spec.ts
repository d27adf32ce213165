import { createSseReader, type SseMessage } from './sse';

/** Feeds the pieces in order and returns what the reader reported, ids and events in their order. */
function read(pieces: string[]): (string | SseMessage)[] {
  const out: (string | SseMessage)[] = [];
  const reader = createSseReader({ onId: (id) => out.push(`id ${id}`), onEvent: (m) => out.push(m) });
  for (const piece of pieces) reader.feed(piece);
  return out;
}

/** Every way of cutting `stream` in two, and one character at a time. */
function cuts(stream: string): string[][] {
  const all = [[stream], [...stream]];
  for (let i = 1; i < stream.length; i++) all.push([stream.slice(0, i), stream.slice(i)]);
  return all;
}

describe('the console SSE reader (web/src/sse.ts)', () => {
  it('reads what the service sends: retry, the id-only opening cursor, comments, typed events with ids', () => {
    const stream =
      'retry: 1000\nid: 41\n\n: keep-alive\n\nid: 42\nevent: created\ndata: {"id":"e1"}\n\nevent: end\ndata: {"reason":"shutdown"}\n\n';
    for (const pieces of cuts(stream))
      expect(read(pieces)).toEqual([
        'id 41',
        'id 42',
        { event: 'created', data: '{"id":"e1"}' },
        { event: 'end', data: '{"reason":"shutdown"}' },
      ]);
  });

  it('ends lines at CRLF, LF or CR, also when a CRLF is cut between chunks', () => {
    const stream = 'id: 1\r\nevent: updated\rdata: a\r\n\r\ndata: b\r\rdata: c\n\n';
    for (const pieces of cuts(stream))
      expect(read(pieces)).toEqual([
        'id 1',
        { event: 'updated', data: 'a' },
        { event: 'message', data: 'b' },
        { event: 'message', data: 'c' },
      ]);
  });

  it('joins data lines with LF, drops one space after the colon only, and takes a line without a colon as a field', () => {
    expect(read(['data:x\ndata:  y\ndata\n\n'])).toEqual([{ event: 'message', data: 'x\n y\n' }]);
  });

  it('ignores an id holding NUL, dispatches nothing without data, and never an unfinished event', () => {
    expect(read(['id: a\0b\n\nevent: created\n\nid: 7\ndata: z'])).toEqual(['id 7']);
  });
});
