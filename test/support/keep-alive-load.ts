import { Agent, request } from 'node:http';
import { trackerEventBody } from './create-load';

/** How one request of a keep-alive client ended. */
export type Outcome =
  /** a full HTTP answer: status line, headers and the whole body */
  | 'answered'
  /** the connection was refused: the listener had closed, nothing was sent */
  | 'refused'
  /** the connection was reset or closed with no (or half an) answer after the request was sent */
  | 'reset';

export interface KeepAliveSample {
  outcome: Outcome;
  status?: number;
  id?: string;
  /** the error code or message of a refused or reset request */
  error?: string;
  /** whether the request went out on a connection an earlier request had used */
  reusedSocket: boolean;
  /** whether every byte of the request had been handed to the socket before the outcome */
  written: boolean;
  /** the response's `Connection` header */
  connection?: string;
}

export interface KeepAliveLoad {
  readonly samples: KeepAliveSample[];
  /** ids of the creates answered 2xx */
  readonly acknowledged: string[];
  /** resolves once every client has stopped (its connection refused, or stop() called) */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/** One POST over the client's own agent; never rejects. */
function createOnce(agent: Agent, base: URL, tag: string): Promise<KeepAliveSample> {
  const payload = JSON.stringify(trackerEventBody(tag));
  return new Promise((resolve) => {
    let written = false;
    const req = request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: 'POST',
        path: '/api/v1alpha1/event',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (err: NodeJS.ErrnoException) =>
          resolve({ outcome: 'reset', error: err.code ?? err.message, reusedSocket: req.reusedSocket, written }),
        );
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          const id = status >= 200 && status < 300 ? String((JSON.parse(text) as { id: unknown }).id) : undefined;
          resolve({ outcome: 'answered', status, id, reusedSocket: req.reusedSocket, written, connection: res.headers.connection });
        });
      },
    );
    req.on('finish', () => (written = true));
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolve({
        outcome: err.code === 'ECONNREFUSED' ? 'refused' : 'reset',
        error: err.code ?? err.message,
        reusedSocket: req.reusedSocket,
        written,
      }),
    );
    req.end(payload);
  });
}

/**
 * `clients` independent keep-alive clients (one connection each, reused while the server keeps it open)
 * POSTing tracker events in a closed loop. A client stops at stop() or once a connection is refused: the
 * listener has closed, and a real client would go elsewhere. Every request's outcome is kept.
 */
export function startKeepAliveLoad(base: string, clients: number, tag: string): KeepAliveLoad {
  const samples: KeepAliveSample[] = [];
  const acknowledged: string[] = [];
  const url = new URL(base);
  let running = true;
  const client = async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      while (running) {
        const sample = await createOnce(agent, url, tag);
        samples.push(sample);
        if (sample.id) acknowledged.push(sample.id);
        if (sample.outcome === 'refused') return;
      }
    } finally {
      agent.destroy();
    }
  };
  const done = Promise.all(Array.from({ length: clients }, client)).then(() => undefined);
  return {
    samples,
    acknowledged,
    done,
    async stop() {
      running = false;
      await done;
    },
  };
}
