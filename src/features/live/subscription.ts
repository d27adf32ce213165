import type { LiveMessage } from './domain/live-message';

/** Why a stream ended on the server's side. */
export type EndReason = 'overflow' | 'shutdown';

/** Reads the log between two positions for a subscriber's catch-up (LiveService supplies it). */
export type CatchUpReader = (after: number, upTo: number) => Promise<LiveMessage[]>;

/**
 * One subscriber: what it accepts, the catch-up from its resume cursor to the position it subscribed at, then
 * the live messages the hub pushes, each delivered once and in position order (`delivered` only grows).
 *
 * Memory is bounded: at most `limit` live messages wait here (a catch-up is read one page at a time, when the
 * consumer asks); one more and the stream ends with reason `overflow` (its queue dropped), so the client
 * resumes from the last cursor it received.
 */
export class Subscription {
  private readonly queue: LiveMessage[] = [];
  private catchUp: LiveMessage[] = [];
  private wake?: () => void;
  private ended?: EndReason;
  private closed = false;
  /** The position of the last message handed to the consumer (or the starting cursor). */
  delivered: number;
  private signalEnd!: () => void;
  /** Resolves when the stream ends on either side (a writer waiting on a full socket stops waiting). */
  readonly finished = new Promise<void>((resolve) => (this.signalEnd = resolve));

  constructor(
    private readonly accepts: (msg: LiveMessage) => boolean,
    private readonly limit: number,
    /** The hub's position when this subscriber joined: live messages are above it, the catch-up at or below. */
    readonly joinedAt: number,
    /** Where the client resumes from (undefined: from now). */
    resumeFrom: number | undefined,
    private readonly readCatchUp: CatchUpReader,
    private readonly onClose: (sub: Subscription) => void,
  ) {
    this.delivered = resumeFrom ?? joinedAt;
    this.readPosition = this.delivered;
    this.catchingUp = resumeFrom !== undefined && resumeFrom < joinedAt;
  }

  private catchingUp: boolean;
  /** How far the catch-up has read the log (filtered-out positions included). */
  private readPosition: number;

  get endReason(): EndReason | undefined {
    return this.ended;
  }

  /** Called by the hub with each released message, in position order. */
  push(msg: LiveMessage): void {
    if (this.ended || this.closed || msg.position <= this.joinedAt || !this.accepts(msg)) return;
    if (this.queue.length >= this.limit) {
      this.end('overflow');
      return;
    }
    this.queue.push(msg);
    this.wake?.();
  }

  /** Ends the stream from the server's side (the consumer's next() then answers undefined). */
  end(reason: EndReason): void {
    if (this.ended || this.closed) return;
    this.ended = reason;
    this.queue.length = 0;
    this.catchUp = [];
    this.wake?.();
    this.signalEnd();
    this.onClose(this);
  }

  /** The consumer went away. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.catchUp = [];
    this.wake?.();
    this.signalEnd();
    this.onClose(this);
  }

  /** The next message, or undefined once the stream has ended or was closed. Waits for one. */
  async next(): Promise<LiveMessage | undefined> {
    for (;;) {
      if (this.ended || this.closed) return undefined;
      const msg = await this.take();
      if (msg === 'wait') {
        // Checked in the same synchronous step that installs the waker, so no push can slip in between.
        if (this.queue.length > 0 || this.ended || this.closed) continue;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      if (msg === undefined) continue;
      if (msg.position <= this.delivered) continue;
      this.delivered = msg.position;
      return msg;
    }
  }

  /** A message to deliver, `undefined` to look again, or 'wait' when there is nothing yet. */
  private async take(): Promise<LiveMessage | undefined | 'wait'> {
    if (this.catchingUp) {
      if (this.catchUp.length > 0) return this.catchUp.shift();
      if (this.readPosition >= this.joinedAt) {
        this.catchingUp = false;
        return undefined;
      }
      const page = await this.readCatchUp(this.readPosition, this.joinedAt);
      if (page.length === 0) {
        this.catchingUp = false;
        return undefined;
      }
      this.readPosition = page[page.length - 1].position;
      if (!this.ended && !this.closed) this.catchUp = page.filter((m) => this.accepts(m));
      return undefined;
    }
    return this.queue.shift() ?? 'wait';
  }
}
