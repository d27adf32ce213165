import { createServer, request, Agent, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Draining } from '../health/draining';
import { HttpDrain } from './http-drain';

interface Answer {
  status: number;
  connection?: string;
  body: string;
}

function get(port: number, agent: Agent, path = '/'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HttpDrain', () => {
  let server: Server;
  let port: number;
  let draining: Draining;
  let drain: HttpDrain;
  let agent: Agent;
  /** Requests to /slow wait here until the test answers them. */
  const held: ServerResponse[] = [];

  beforeEach(async () => {
    server = createServer((req, res) => {
      if (req.url === '/slow') held.push(res);
      else res.end('ok');
    });
    draining = new Draining();
    drain = new HttpDrain(server, draining, 100);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
  });
  afterEach(() => {
    agent.destroy();
    server.closeAllConnections();
    server.close();
    held.length = 0;
  });

  it('a request in flight is answered in full, with Connection: close; new connections are refused', async () => {
    const slow = get(port, agent, '/slow');
    await new Promise((r) => server.once('request', r));
    const ended = drain.begin();
    expect(draining.active).toBe(true);
    held[0].end('done');
    expect(await slow).toEqual({ status: 200, connection: 'close', body: 'done' });
    await ended;
    await expect(get(port, new Agent())).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('a kept-alive connection idle when draining begins still gets its next request answered, then closes', async () => {
    expect(await get(port, agent)).toMatchObject({ status: 200, connection: 'keep-alive' });
    const ended = drain.begin();
    expect(await get(port, agent)).toEqual({ status: 200, connection: 'close', body: 'ok' });
    await ended;
  });

  it('a kept-alive connection left idle is closed after the grace, and the drain ends', async () => {
    expect(await get(port, agent)).toMatchObject({ status: 200, connection: 'keep-alive' });
    const closed = new Promise((resolve) => Object.values(agent.freeSockets)[0]![0].once('close', resolve));
    await drain.begin();
    await closed;
  });

  it('begins once: a second call shares the first', () => {
    expect(drain.begin()).toBe(drain.begin());
  });
});
