import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../../platform/config/app-config.service';
import { DeliveryProgressRepository } from '../data/delivery-progress.repository';
import { NotificationDueRepository } from '../data/notification-due.repository';
import type { TrackerEventRecordView } from '../../tracker-events';
import { TrackerEventsService } from '../../tracker-events';
import type { NotificationDueRecord } from '../data/delivery-claim.schema';
import { ChannelRegistry } from '../channels/channel-registry';
import { DeliveriesService } from '../deliveries.service';
import { AttemptClaims } from './attempt-claims';
import { toNotificationMessage } from './delivery-message';
import { afterAttempt, AttemptResult, DeliveryRecord, dueDeliveries, nextDueAt } from './delivery-record';
import { AttemptOutcome, nextStep } from './retry-policy';

/**
 * Events worked on at once per instance (each sends its due deliveries one after another). Polls do not wait
 * for them: a slow peer holds only its own slot, and each poll tops the slots up.
 */
const CONCURRENCY = 8;
const BATCH = 100;
/**
 * A hint is written just before its event write; one this young whose event shows nothing due (or no event)
 * may be ahead of that write, so it is looked at again after this instead of being dropped.
 */
const HINT_GRACE_MS = 5000;
/** Finished claims are kept this long to replay a result whose progress write was lost, then deleted. */
const CLAIM_RETENTION_MS = 24 * 60 * 60 * 1000;
const CLEANUP_EVERY_POLLS = 1200;
/** Shutdown waits this long for attempts in flight; the rest are abandoned (their leases expire). */
const SHUTDOWN_GRACE_MS = 3000;

/** A hint's `_id` is `<eventId>#<unique>` (see NotificationDueRecord). */
function eventIdOf(hint: NotificationDueRecord): string {
  return hint._id.split('#')[0];
}

/**
 * Runs in every app instance: every pollMs it takes the events whose deliveries are due (notification_due),
 * claims each attempt through the store (AttemptClaims: one instance per attempt), sends it, and records the
 * attempt and the next step as the delivery's progress. It never writes the event document itself.
 */
@Injectable()
export class DeliveryDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryDispatcher.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly inFlight = new Map<string, Promise<void>>();
  private stopping = false;
  private polls = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly events: TrackerEventsService,
    private readonly notifications: DeliveriesService,
    private readonly due: NotificationDueRepository,
    private readonly progress: DeliveryProgressRepository,
    private readonly claims: AttemptClaims,
    private readonly channels: ChannelRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    const work = [this.running, ...this.inFlight.values()].filter(Boolean) as Promise<void>[];
    if (work.length === 0) return;
    let timeout: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timeout = setTimeout(resolve, SHUTDOWN_GRACE_MS)));
    await Promise.race([Promise.allSettled(work), grace]);
    clearTimeout(timeout);
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.running = this.pollOnce()
        .catch((err: unknown) => this.logger.warn({ err }, 'notification dispatch failed; retrying next poll'))
        .finally(() => {
          this.running = undefined;
          this.schedule(this.config.notify.pollMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  /** One poll: start work on due events this instance is not already on (and now and then drop old claims). */
  async pollOnce(now = new Date()): Promise<void> {
    if (++this.polls % CLEANUP_EVERY_POLLS === 0) await this.claims.sweep(now, new Date(now.getTime() - CLAIM_RETENTION_MS));
    if (this.inFlight.size >= CONCURRENCY) return;
    for (const hint of await this.due.due(now, BATCH)) {
      if (this.stopping || this.inFlight.size >= CONCURRENCY) break;
      // One worker per event: an event's several hints (one per planning write) are settled one after another.
      const eventId = eventIdOf(hint);
      if (this.inFlight.has(eventId)) continue;
      const work = this.processEvent(hint, eventId)
        .catch((err: unknown) => this.logger.warn({ err, eventId }, 'notification dispatch of an event failed'))
        .finally(() => this.inFlight.delete(eventId));
      this.inFlight.set(eventId, work);
    }
  }

  private async processEvent(hint: NotificationDueRecord, eventId: string): Promise<void> {
    if (!/^[0-9a-f]{24}$/i.test(eventId)) return this.due.deleteExact(hint);
    const event = await this.events.findRecord(eventId);
    const planned = event?.deliveries ?? [];
    if (event) {
      for (const delivery of dueDeliveries(await this.notifications.withProgress(planned), new Date())) {
        if (this.stopping) return;
        try {
          await this.attempt(event, delivery);
        } catch (err) {
          this.logger.warn({ err, dedupKey: delivery.dedupKey }, 'notification attempt failed; the claim lease will expire');
        }
      }
    }
    await this.settleHint(hint, eventId, event ? nextDueAt(await this.notifications.withProgress(planned)) : undefined, !event);
  }

  /** Points the hint at the next due attempt, or drops it when nothing is pending (unless it may be early). */
  private async settleHint(hint: NotificationDueRecord, eventId: string, dueAt: Date | undefined, eventMissing: boolean): Promise<void> {
    const graceEnd = new Date(new Date(hint.setAt ?? 0).getTime() + HINT_GRACE_MS);
    const young = graceEnd.getTime() > Date.now();
    if (dueAt) {
      // A young hint may announce a trigger whose write we did not see yet: never push it past the grace.
      const next = young && dueAt > graceEnd ? graceEnd : dueAt;
      if (next.getTime() !== new Date(hint.dueAt).getTime()) await this.due.replace(hint, next);
    } else if (young) {
      if (graceEnd.getTime() !== new Date(hint.dueAt).getTime()) await this.due.replace(hint, graceEnd);
    } else {
      await this.due.deleteExact(hint);
      if (eventMissing) await this.progress.deleteForEvent(eventId);
    }
  }

  private async attempt(event: TrackerEventRecordView, seen: DeliveryRecord): Promise<void> {
    const eventId = event._id.toHexString();
    const attemptNo = seen.attempts.length + 1;
    const claim = await this.claims.acquire(seen.dedupKey, attemptNo, eventId);
    if (claim.kind === 'busy') return;
    if (claim.kind === 'done') return this.record(eventId, seen, attemptNo, claim.result);
    // Between our read and the claim another instance may have finished this attempt and released its claim.
    const [delivery] = await this.notifications.withProgress([(event.deliveries ?? []).find((d) => d.dedupKey === seen.dedupKey)!]);
    if (delivery.state !== 'pending' || delivery.attempts.length !== attemptNo - 1) return this.claims.release(claim.id);
    const result = await this.send(event, delivery, attemptNo);
    await this.claims.finish(claim.id, result);
    await this.record(eventId, delivery, attemptNo, result);
  }

  private async send(event: TrackerEventRecordView, delivery: DeliveryRecord, attemptNo: number): Promise<AttemptResult> {
    const at = new Date();
    const channel = this.channels.get(delivery.channel);
    if (!channel || !channel.isConfigured()) {
      return { attempt: { at, ok: false, error: `${delivery.channel} is not configured` }, state: 'skipped' };
    }
    const outcome: AttemptOutcome = await channel
      .send(toNotificationMessage(event, delivery))
      .catch((err: Error) => ({ ok: false as const, retryable: true, error: err.message }));
    const step = nextStep(attemptNo, outcome, this.config.notify.retryScheduleMs);
    const attempt = outcome.ok
      ? { at, ok: true, ...(outcome.detail ? { detail: outcome.detail } : {}) }
      : { at, ok: false, error: outcome.error };
    if (step.state !== 'pending') return { attempt, state: step.state };
    const nextAttemptAt = new Date(Date.now() + step.delayMs);
    const why = !outcome.ok && outcome.retryAfterMs !== undefined ? 'Retry-After' : 'backoff';
    return { attempt: { ...attempt, detail: `retry after ${step.delayMs} ms (${why})` }, state: 'pending', nextAttemptAt };
  }

  private async record(eventId: string, delivery: DeliveryRecord, attemptNo: number, result: AttemptResult): Promise<void> {
    const progress = afterAttempt(delivery, attemptNo, result);
    if (progress) await this.progress.save({ _id: delivery.dedupKey, eventId, n: attemptNo, ...progress });
  }
}
