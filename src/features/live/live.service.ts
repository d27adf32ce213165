import { Injectable } from '@nestjs/common';
import type { AccountScope } from '../../auth/account-scope';
import { bearerTokenExpiry } from '../../auth/bearer-token';
import { BearerVerifier } from '../../auth/bearer-verifier';
import { callerKey } from '../../auth/caller';
import type { CallParts } from '../../platform/http/call-parts';
import { DomainError, InvalidQueryError, StoreUnavailableError } from '../../platform/errors/domain-errors';
import { AppConfig } from '../../platform/config/app-config.service';
import { LiveLogRepository } from './data/live-log.repository';
import { LiveMessage, matchesActivity, matchesTracker, parseCursor, TrackerStreamFilter } from './domain/live-message';
import { LiveHub, READ_PAGE, toMessage } from './live-hub';
import { StreamSlots } from './stream-slots';
import type { Subscription } from './subscription';

/** Live messages one subscriber may have waiting; one more ends its stream (it resumes from its last cursor). */
export const SUBSCRIBER_BUFFER = 1000;

/** A resume cursor as the caller gave it, and under which name (for the 400's invalidParams). */
export interface ResumeFrom {
  name: string;
  value: string;
}

/** An open stream: its subscription, and when the caller's verified token expires (the stream then ends). */
export interface OpenStream {
  sub: Subscription;
  /** Epoch ms; undefined when the token has no `exp` or was not verified (TRACKER_AUTH=off). */
  expiresAt?: number;
}

/**
 * Opens live streams: takes one of the caller's stream slots (StreamSlots), validates the resume cursor, then
 * joins the hub (catch-up from the log, then live). The slot is given back when the subscription finishes,
 * which every end of a stream goes through (client gone, server end, expiry, overflow, shutdown), or at once
 * when the stream could not be opened.
 */
@Injectable()
export class LiveService {
  private closing = false;

  constructor(
    private readonly hub: LiveHub,
    private readonly log: LiveLogRepository,
    private readonly slots: StreamSlots,
    private readonly verifier: BearerVerifier,
    private readonly config: AppConfig,
  ) {}

  /**
   * A tracker events stream with the search's filters. With TRACKER_AUTH=required the guard verified the
   * caller's token, so the stream ends when it expires; otherwise nothing about a token is trusted.
   */
  openTracker(caller: CallParts, filter: TrackerStreamFilter, resume?: ResumeFrom): Promise<OpenStream> {
    return this.open(caller, (msg) => matchesTracker(msg, filter), resume, this.config.auth.trackerAuthRequired);
  }

  /**
   * An activity-log stream: only what the scope may read (account, role among visibleTo, unexpired). AccountGuard
   * always verified the token, so the stream ends when it expires.
   */
  openActivity(caller: CallParts, scope: AccountScope, resume?: ResumeFrom): Promise<OpenStream> {
    return this.open(caller, (msg) => matchesActivity(msg, scope, Date.now()), resume, true);
  }

  /** SIGTERM: end every stream and refuse new ones. */
  endAll(): void {
    this.closing = true;
    this.hub.endAll('shutdown');
  }

  private async open(
    caller: CallParts,
    accepts: (msg: LiveMessage) => boolean,
    resume: ResumeFrom | undefined,
    tokenVerified: boolean,
  ): Promise<OpenStream> {
    if (this.closing) throw new StoreUnavailableError('The service is shutting down; reconnect to another instance.', 1);
    // Taken before anything is awaited after it, so a burst of opens cannot all pass the check at once.
    const release = this.slots.take(await this.callerOf(caller));
    try {
      const from = resume === undefined ? undefined : await this.checkCursor(resume);
      const sub = await this.hub.join(accepts, SUBSCRIBER_BUFFER, from, async (after, upTo) =>
        (await this.log.readAfter(after, READ_PAGE, upTo)).map(toMessage),
      );
      void sub.finished.then(release);
      // Shutdown began while this stream was opening (after endAll ended the others): end it the same way.
      if (this.closing) sub.end('shutdown');
      return { sub, expiresAt: tokenVerified ? bearerTokenExpiry(caller.authorization) : undefined };
    } catch (err) {
      release();
      throw err;
    }
  }

  /**
   * Whose slots a stream takes: the verified token's subject, else the peer address (callerKey), without the
   * account, so a user's tracker and activity streams of every account count together.
   */
  private callerOf(caller: CallParts): Promise<string> {
    return callerKey({ ...caller, accountId: undefined }, this.verifier);
  }

  /**
   * A cursor must be one this log issued (not above its highest position: 400) and still resumable: every
   * position after it must still be stored, i.e. it is at least the lowest stored position minus one (else 410).
   */
  private async checkCursor(resume: ResumeFrom): Promise<number> {
    const position = parseCursor(resume.value);
    if (position === undefined) throw InvalidQueryError.param(resume.name, 'must be a stream cursor: the id of a message of this stream');
    const [highest, lowest] = await Promise.all([this.log.highest(), this.log.lowest()]);
    if (position > highest)
      throw InvalidQueryError.param(resume.name, `cursor ${position} was not issued by this service (the latest is ${highest})`);
    if (lowest !== undefined && position < lowest - 1)
      throw new DomainError(
        'cursor-expired',
        `Cursor ${position} is older than the stream retention window; changes after it are gone. Start a new stream (and reload what it shows).`,
      );
    return position;
  }
}
