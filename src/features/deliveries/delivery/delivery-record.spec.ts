import { Types } from 'mongoose';
import {
  afterAttempt,
  AttemptResult,
  DeliveryProgress,
  DeliveryRecord,
  dueDeliveries,
  nextDueAt,
  planDeliveries,
  withProgress,
} from './delivery-record';
import { toNotificationMessage } from './delivery-message';

const id = new Types.ObjectId('65f000000000000000000001');
const now = new Date('2026-01-01T00:00:00Z');
const all = () => true;

function event(attributes: Record<string, unknown>, deliveries?: DeliveryRecord[]) {
  return { _id: id, attributes: { type: 1, service: 'svc', ...attributes }, deliveries } as never;
}

describe('planDeliveries', () => {
  it('plans one pending delivery per requested channel on create, keyed eventId:channel:created#1', () => {
    const planned = planDeliveries(event({ notification: true, notifications: ['slack', 'email', 'slack'], status: 1 }), now, all);
    expect(planned.map((d) => d.dedupKey)).toEqual([`${id.toHexString()}:slack:created#1`, `${id.toHexString()}:email:created#1`]);
    expect(planned[0]).toMatchObject({
      channel: 'slack',
      trigger: 'created',
      state: 'pending',
      attempts: [],
      nextAttemptAt: now,
      seq: 1,
      status: 1,
    });
  });

  it('plans nothing without notification: true or without channels', () => {
    expect(planDeliveries(event({ notifications: ['slack'] }), now, all)).toEqual([]);
    expect(planDeliveries(event({ notification: false, notifications: ['slack'] }), now, all)).toEqual([]);
    expect(planDeliveries(event({ notification: true, notifications: [] }), now, all)).toEqual([]);
    expect(planDeliveries(event({ notification: true }), now, all)).toEqual([]);
  });

  it('records an unconfigured channel as skipped, not pending', () => {
    const planned = planDeliveries(event({ notification: true, notifications: ['slack', 'email'] }), now, (c) => c === 'slack');
    expect(planned.map((d) => [d.channel, d.state])).toEqual([
      ['slack', 'pending'],
      ['email', 'skipped'],
    ]);
    expect(planned[1].reason).toMatch(/not configured/);
    expect(planned[1].nextAttemptAt).toBeUndefined();
  });

  it('names a status change with labels and numbers triggers after the ones stored', () => {
    const first = planDeliveries(event({ notification: true, notifications: ['slack'], status: 1 }), now, all);
    const planned = planDeliveries(event({ notification: true, notifications: ['slack'], status: 3 }, first), now, all, {
      previousStatus: 1,
    });
    expect(planned[0]).toMatchObject({ trigger: 'status: Start -> Success', seq: 2, dedupKey: `${id.toHexString()}:slack:status#2` });
    const fromNothing = planDeliveries(event({ notification: true, notifications: ['slack'], status: 4 }), now, all, {});
    expect(fromNothing[0].trigger).toBe('status: none -> Failure');
  });
});

describe('due deliveries and attempts', () => {
  const base = planDeliveries(event({ notification: true, notifications: ['slack', 'email'] }), now, all);
  const later = new Date(now.getTime() + 5000);
  const failed: AttemptResult = { attempt: { at: now, ok: false, error: 'HTTP 500' }, state: 'pending', nextAttemptAt: later };
  const apply = (planned: DeliveryRecord[], progress: [string, DeliveryProgress][]) => withProgress(planned, new Map(progress));

  it('records an attempt once: a replay of the same attempt number changes nothing', () => {
    const first = afterAttempt(base[0], 1, failed)!;
    expect(first).toEqual({ state: 'pending', attempts: [{ at: now, ok: false, error: 'HTTP 500' }], nextAttemptAt: later });
    const once = apply(base, [[base[0].dedupKey, first]]);
    expect(once[0]).toMatchObject({ dedupKey: base[0].dedupKey, trigger: 'created', state: 'pending', nextAttemptAt: later });
    expect(once[1]).toBe(base[1]);
    expect(afterAttempt(once[0], 1, failed)).toBeNull();
    const delivered = afterAttempt(once[0], 2, { attempt: { at: later, ok: true }, state: 'delivered' })!;
    expect(delivered).toEqual({ state: 'delivered', attempts: [first.attempts[0], { at: later, ok: true }] });
    const done = apply(base, [[base[0].dedupKey, delivered]]);
    expect(done[0].nextAttemptAt).toBeUndefined();
    expect(afterAttempt(done[0], 3, failed)).toBeNull();
  });

  it('finds what is due and when the next attempt is', () => {
    const once = apply(base, [[base[0].dedupKey, afterAttempt(base[0], 1, failed)!]]);
    expect(dueDeliveries(once, now).map((d) => d.channel)).toEqual(['email']);
    expect(nextDueAt(once)).toEqual(now);
    const both = apply(once, [[base[1].dedupKey, afterAttempt(base[1], 1, { attempt: { at: now, ok: true }, state: 'delivered' })!]]);
    expect(dueDeliveries(both, later).map((d) => d.channel)).toEqual(['slack']);
    expect(nextDueAt(both)).toEqual(later);
    expect(nextDueAt([])).toBeUndefined();
  });
});

describe('toNotificationMessage', () => {
  it('labels the enumerations, reports the status of the trigger and names the links', () => {
    const stored = {
      _id: id,
      title: 'Deploy api',
      attributes: {
        type: 1,
        service: 'api',
        environment: 7,
        priority: 1,
        status: 4,
        owner: 'team',
        stakeHolders: ['ops@example.com', 'backend-team'],
      },
      links: { pullRequestLink: 'https://git/pr/1', ticket: 'PROJ-1' },
      metadata: { createdAt: now, updatedAt: now },
    } as never;
    const [delivery] = planDeliveries(event({ notification: true, notifications: ['email'], status: 3 }), now, all, { previousStatus: 1 });
    const m = toNotificationMessage(stored, delivery);
    expect(m).toMatchObject({
      dedupKey: delivery.dedupKey,
      title: 'Deploy api',
      service: 'api',
      environment: 'Production',
      status: 'Success',
      priority: 'P1 (Critical)',
      owner: 'team',
      trigger: 'status: Start -> Success',
      links: { 'Pull request': 'https://git/pr/1', Ticket: 'PROJ-1' },
      recipients: ['ops@example.com'],
    });
  });
});
