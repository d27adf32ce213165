import { Injectable } from '@nestjs/common';
import type { AccountScope } from '../common/auth/account-scope';
import { DomainError, InvalidQueryError, StoreUnavailableError } from '../common/errors/domain-errors';
import { LiveChangeRepository } from './data/live-change.repository';
import { LiveMessage, matchesActivity, matchesTracker, parseCursor, TrackerStreamFilter } from './domain/live-message';
import { LiveHub, READ_PAGE, toMessage } from './live-hub';
import type { Subscription } from './subscription';

/** Live messages one subscriber may have waiting; one more ends its stream (it resumes from its last cursor). */
export const SUBSCRIBER_BUFFER = 1000;

/** A resume cursor as the caller gave it, and under which name (for the 400's invalidParams). */
export interface ResumeFrom {
  name: string;
  value: string;
}

/** Opens live streams: validates the resume cursor, then joins the hub (catch-up from the log, then live). */
@Injectable()
export class LiveService {
  private closing = false;

  constructor(
    private readonly hub: LiveHub,
    private readonly log: LiveChangeRepository,
  ) {}

  /** A tracker events stream with the search's filters. */
  openTracker(filter: TrackerStreamFilter, resume?: ResumeFrom): Promise<Subscription> {
    return this.open((msg) => matchesTracker(msg, filter), resume);
  }

  /** An activity-log stream: only what the scope may read (account, role among visibleTo, unexpired). */
  openActivity(scope: AccountScope, resume?: ResumeFrom): Promise<Subscription> {
    return this.open((msg) => matchesActivity(msg, scope, Date.now()), resume);
  }

  /** SIGTERM: end every stream and refuse new ones. */
  endAll(): void {
    this.closing = true;
    this.hub.endAll('shutdown');
  }

  private async open(accepts: (msg: LiveMessage) => boolean, resume?: ResumeFrom): Promise<Subscription> {
    if (this.closing) throw new StoreUnavailableError('The service is shutting down; reconnect to another instance.', 1);
    const from = resume === undefined ? undefined : await this.checkCursor(resume);
    return this.hub.join(accepts, SUBSCRIBER_BUFFER, from, async (after, upTo) =>
      (await this.log.readAfter(after, READ_PAGE, upTo)).map(toMessage),
    );
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
