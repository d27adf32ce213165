import { Injectable, Logger } from '@nestjs/common';
import { LiveLogRepository } from './data/live-log.repository';
import type { LiveLogEntryRecord } from './data/live-log.schema';
import type { LiveMessage } from './domain/live-message';
import { CatchUpReader, EndReason, Subscription } from './subscription';

/** How long the hub waits for a missing position to arrive before reading it from the log. */
export const GAP_WAIT_MS = 150;
/** How often the hub reads the log for mutations nobody told it about (a writer killed before it published). */
export const POLL_MS = 2000;
/** Messages read from the log at a time (gap fills, polls, catch-ups). */
export const READ_PAGE = 200;
/** Out-of-order messages held at most; past that the hub drops them and reads the log instead. */
const MAX_PENDING = 10_000;

/** A stored log entry as the streams carry it. */
export function toMessage(rec: LiveLogEntryRecord): LiveMessage {
  const msg: LiveMessage = { position: rec._id, stream: rec.stream, kind: rec.kind, key: rec.key, at: rec.at.getTime(), data: rec.data };
  if (rec.access)
    msg.access = { accountId: rec.access.accountId, visibleTo: [...rec.access.visibleTo], expiresAt: rec.access.expiresAt.getTime() };
  return msg;
}

/**
 * This instance's fan-out: it releases the live log to its subscribers strictly in position order, with no
 * position skipped (docs/live.md, "The hub").
 *
 * Messages arrive from this instance's own writers and from the bus (other instances), in any order, maybe
 * never (a writer killed after logging, a bus outage). The hub keeps `head`, the last position released, and
 * releases head+1 as soon as it has it. Because the log has no holes, a message above head+1 proves head+1 is
 * stored: if it has not arrived after GAP_WAIT_MS, the hub reads it from the log. Every POLL_MS it also reads the
 * log past head, for mutations nobody announced at all. So every subscriber sees every position, in order, once.
 */
@Injectable()
export class LiveHub {
  private readonly logger = new Logger(LiveHub.name);
  private head = 0;
  private started?: Promise<void>;
  private readonly pending = new Map<number, LiveMessage>();
  private readonly subscribers = new Set<Subscription>();
  private gapTimer?: NodeJS.Timeout;
  private pollTimer?: NodeJS.Timeout;
  private reading?: Promise<void>;
  private stopped = false;

  constructor(private readonly log: LiveLogRepository) {}

  /**
   * Reads the current head once; the poll then runs while anyone is subscribed, for the appends of other
   * instances that no bus announced. A log nobody else appends to (the embedded store's) is not polled: every
   * append is offered here by this instance's writers, and on that store each poll read the whole retained log
   * (15 s of the store's CPU per minute with one idle subscriber and 5,000 entries).
   */
  start(): Promise<void> {
    this.started ??= this.log.highest().then((top) => {
      this.head = Math.max(this.head, top);
      if (!this.log.sharedWithOtherWriters) return;
      this.pollTimer = setInterval(() => {
        if (this.subscribers.size > 0) this.readLog();
      }, POLL_MS);
      this.pollTimer.unref();
    });
    return this.started;
  }

  get position(): number {
    return this.head;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Messages from a writer of this instance or from the bus, in any order, duplicates allowed. */
  offer(messages: LiveMessage[]): void {
    for (const msg of messages) if (msg.position > this.head) this.pending.set(msg.position, msg);
    this.release();
  }

  private release(): void {
    for (let next = this.pending.get(this.head + 1); next; next = this.pending.get(this.head + 1)) {
      this.pending.delete(next.position);
      this.head = next.position;
      for (const sub of this.subscribers) sub.push(next);
    }
    if (this.pending.size > MAX_PENDING) this.pending.clear();
    if (this.pending.size > 0 && !this.gapTimer) {
      this.gapTimer = setTimeout(() => {
        this.gapTimer = undefined;
        if (this.pending.size > 0) this.readLog();
      }, GAP_WAIT_MS);
      this.gapTimer.unref();
    }
  }

  /** Reads the log past head until it is exhausted (one read at a time). */
  private readLog(): void {
    this.reading ??= (async () => {
      try {
        for (;;) {
          const rows = await this.log.readAfter(this.head, READ_PAGE);
          this.offer(rows.map(toMessage));
          if (rows.length < READ_PAGE || this.stopped) break;
        }
      } catch (err) {
        this.logger.warn({ err }, 'reading the live log failed; retrying at the next poll');
      }
    })().finally(() => (this.reading = undefined));
  }

  /**
   * A new subscriber: live messages above the current head, after a catch-up from `resumeFrom` (when given)
   * read page by page through `readCatchUp`.
   */
  async join(
    accepts: (msg: LiveMessage) => boolean,
    limit: number,
    resumeFrom: number | undefined,
    readCatchUp: CatchUpReader,
  ): Promise<Subscription> {
    await this.start();
    if (this.subscribers.size === 0) {
      // Nobody listened, so head may lag the log (no bus, or mutations nobody announced): start from the log's head.
      this.head = Math.max(this.head, await this.log.highest());
      for (const position of this.pending.keys()) if (position <= this.head) this.pending.delete(position);
    }
    const sub = new Subscription(accepts, limit, this.head, resumeFrom, readCatchUp, (s) => this.subscribers.delete(s));
    this.subscribers.add(sub);
    return sub;
  }

  /** Ends every stream (SIGTERM): each consumer writes its end and closes. */
  endAll(reason: EndReason): void {
    for (const sub of [...this.subscribers]) sub.end(reason);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.gapTimer);
  }
}
