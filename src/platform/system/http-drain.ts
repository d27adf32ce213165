import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';
import type { Draining } from '../health/draining';

/**
 * How long a kept-alive connection may sit idle once draining has begun before it is closed. A client between
 * two requests sends its next one within milliseconds and gets it answered (with `Connection: close`); only a
 * connection idle this long is closed under it, as at any keep-alive timeout.
 */
export const IDLE_CONNECTION_GRACE_MS = 1000;

/**
 * Drains the HTTP server so that no request it accepted is cut (docs/security.md, Drain). In this order:
 * 1. readiness fails (Draining), so a load balancer stops sending work;
 * 2. the listener closes: a new connection is refused, which a client may always retry, nothing having been
 *    sent. It closes before any keep-alive connection does: closing connections first would send their clients
 *    to reconnect to a listener about to close, and the connections still in the kernel's accept queue when it
 *    closes are reset, with the request already written (a POST the client cannot know the fate of);
 * 3. every response not yet started, and every later one, says `Connection: close`, and the connection closes
 *    after it: the client learns from the answer itself that the connection is done;
 * 4. a connection with no request in progress is left IDLE_CONNECTION_GRACE_MS for the request its client may
 *    be sending, then closed; one whose response was already under way closes after it, once idle that long.
 * `begin()` resolves once every connection has ended: the app stops the store only after that.
 */
export class HttpDrain {
  private readonly unanswered = new Set<ServerResponse>();
  private ended?: Promise<void>;

  constructor(
    private readonly server: Server,
    private readonly draining: Draining,
    private readonly idleGraceMs = IDLE_CONNECTION_GRACE_MS,
  ) {
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => this.track(res));
  }

  /** Starts draining (once; later calls share it); resolves when the last connection has ended. */
  begin(): Promise<void> {
    this.ended ??= this.drain();
    return this.ended;
  }

  private track(res: ServerResponse): void {
    if (this.draining.active) {
      res.setHeader('connection', 'close');
      return;
    }
    this.unanswered.add(res);
    res.once('close', () => this.unanswered.delete(res));
  }

  private drain(): Promise<void> {
    this.draining.begin();
    const ended = new Promise<void>((resolve) => {
      // net's close, not http's: http's also closes every idle connection at once, under a request on its way.
      NetServer.prototype.close.call(this.server, () => resolve());
    });
    for (const res of this.unanswered) if (!res.headersSent) res.setHeader('connection', 'close');
    this.unanswered.clear();
    // Read when each response ends: a connection idle from now on is closed after the grace.
    this.server.keepAliveTimeout = this.idleGraceMs;
    const idle = setTimeout(() => this.server.closeIdleConnections(), this.idleGraceMs);
    return ended.finally(() => clearTimeout(idle));
  }
}
