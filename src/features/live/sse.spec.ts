import { EventEmitter } from 'node:events';
import type { FastifyReply } from 'fastify';
import { streamSse } from './sse';
import { Subscription } from './subscription';

/** A Fastify reply as streamSse uses it, its raw response already destroyed (the client left while the stream opened). */
function goneReply() {
  const end = jest.fn();
  const raw = Object.assign(new EventEmitter(), {
    destroyed: true,
    writableFinished: false,
    writeHead: jest.fn(),
    write: jest.fn(() => true),
    end,
    destroy: jest.fn(),
  });
  return { reply: { raw, hijack: jest.fn(), getHeaders: () => ({}) } as unknown as FastifyReply, end };
}

describe('streamSse', () => {
  it('closes the subscription (freeing its slot) when the client left before the stream began: its close will not fire again', async () => {
    const sub = new Subscription(
      () => true,
      10,
      0,
      undefined,
      async () => [],
      () => undefined,
    );
    const { reply, end } = goneReply();
    await streamSse(reply, sub, { data: (msg) => msg.data });
    await expect(sub.finished).resolves.toBeUndefined();
    expect(end).not.toHaveBeenCalled();
  });
});
