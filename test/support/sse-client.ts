import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { PROTO_LOADER_OPTIONS } from '../../src/platform/grpc/grpc.options';

/** One Server-Sent Events message as a client sees it (id-only messages included, with event '' and data ''). */
export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

export interface SseStream {
  status: number;
  headers: Headers;
  messages: SseMessage[];
  comments: string[];
  /** Resolves when the server ended the stream (cleanly: the body ended). */
  ended: Promise<'end' | 'error'>;
  /** The messages with data (changes, end, problem), parsed. */
  changes(): { id?: string; event: string; data: any }[];
  waitFor(predicate: (messages: SseMessage[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
}

/** Parses an SSE body the way the WHATWG spec reads fields (enough for tests: id, event, data, comments). */
function feed(state: { buffer: string; current: Partial<SseMessage> & { dataLines?: string[] } }, chunk: string, out: SseStream): void {
  state.buffer += chunk;
  let nl: number;
  while ((nl = state.buffer.search(/\r\n|\n|\r/)) >= 0) {
    const line = state.buffer.slice(0, nl);
    state.buffer = state.buffer.slice(nl + (state.buffer.startsWith('\r\n', nl) ? 2 : 1));
    if (line === '') {
      const c = state.current;
      if (c.id !== undefined || c.dataLines || c.event !== undefined)
        out.messages.push({ id: c.id, event: c.event ?? '', data: (c.dataLines ?? []).join('\n') });
      state.current = {};
      continue;
    }
    if (line.startsWith(':')) {
      out.comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') state.current.id = value;
    else if (field === 'event') state.current.event = value;
    else if (field === 'data') (state.current.dataLines ??= []).push(value);
  }
}

/** Opens an SSE stream with fetch (as the web console does: headers allowed, no EventSource). */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const stream: SseStream = {
    status: res.status,
    headers: res.headers,
    messages: [],
    comments: [],
    ended: Promise.resolve('end'),
    changes: () => stream.messages.filter((m) => m.data !== '').map((m) => ({ id: m.id, event: m.event, data: JSON.parse(m.data) })),
    async waitFor(predicate, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(stream.messages)) {
        if (Date.now() > deadline)
          throw new Error(`SSE: condition not met in ${timeoutMs} ms; got ${JSON.stringify(stream.messages.slice(-5))}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => abort.abort(),
  };
  if (!res.body || !(res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    const text = await res.text();
    stream.messages.push({ event: 'http-body', data: text });
    return stream;
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const state = { buffer: '', current: {} };
  stream.ended = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return 'end' as const;
        feed(state, decoder.decode(value, { stream: true }), stream);
      }
    } catch {
      return 'error' as const;
    }
  })();
  return stream;
}

export interface GrpcStreamClient {
  messages: any[];
  /** The call's final status (code 0 = OK), with its metadata. */
  done: Promise<{ code: number; details: string; metadata: grpc.Metadata }>;
  /** 'open' once the server sent the response headers (it does as soon as the stream is open), 'ended' if it ended first. */
  opened: Promise<'open' | 'ended'>;
  waitFor(predicate: (messages: any[]) => boolean, timeoutMs?: number): Promise<void>;
  cancel(): void;
}

/** Opens a server-streaming call on `method` of `serviceName` and collects its messages. */
export function openGrpcStream(
  address: string,
  protoFile: string,
  serviceName: string,
  method: string,
  request: object,
  metadata: Record<string, string> = {},
): GrpcStreamClient {
  const definition = protoLoader.loadSync(protoFile, PROTO_LOADER_OPTIONS);
  const loaded = grpc.loadPackageDefinition(definition);
  const Ctor = serviceName
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], loaded) as grpc.ServiceClientConstructor;
  const client = new Ctor(address, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(metadata)) md.set(k, v);
  const call = (client as unknown as Record<string, (req: object, md: grpc.Metadata) => grpc.ClientReadableStream<any>>)[method].call(
    client,
    request,
    md,
  );
  const messages: any[] = [];
  call.on('data', (m) => messages.push(m));
  const opened = new Promise<'open' | 'ended'>((resolve) => {
    call.once('metadata', () => resolve('open'));
    call.once('status', () => resolve('ended'));
  });
  const done = new Promise<{ code: number; details: string; metadata: grpc.Metadata }>((resolve) => {
    call.on('status', (s: grpc.StatusObject) => {
      resolve({ code: s.code, details: s.details, metadata: s.metadata });
      client.close();
    });
    call.on('error', () => undefined);
  });
  return {
    messages,
    done,
    opened,
    async waitFor(predicate, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(messages)) {
        if (Date.now() > deadline)
          throw new Error(`gRPC stream: condition not met in ${timeoutMs} ms; got ${JSON.stringify(messages.slice(-3))}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    cancel: () => call.cancel(),
  };
}
