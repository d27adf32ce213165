import { DomainError } from '../../../platform/errors/domain-errors';
import { toProblem } from '../../../platform/errors/problem';
import { LockedError } from './lock-errors';
import {
  activeLock,
  autoLockResource,
  decideAcquire,
  decideExpire,
  decideRelease,
  decideRenew,
  Head,
  HeldLock,
  keyText,
  NO_HEAD,
  parseKeyText,
} from './lock-rules';

const T0 = new Date('2024-01-01T00:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const lock = (over: Partial<HeldLock> = {}): HeldLock => ({
  lockId: 'L1',
  owner: 'alice',
  acquiredAt: T0,
  expiresAt: at(60),
  ttlSeconds: 60,
  ...over,
});
const held = (l: HeldLock, gen = 1): Head => ({ gen, value: { state: 'held', lock: l } });
const req = { owner: 'alice', ttlSeconds: 30 };

describe('lock rules', () => {
  it('activeLock: a held lease counts until (not at) its expiry', () => {
    expect(activeLock(held(lock()), at(59))).toEqual(lock());
    expect(activeLock(held(lock()), at(60))).toBeUndefined();
    expect(activeLock(NO_HEAD, T0)).toBeUndefined();
    expect(activeLock({ gen: 2, value: { state: 'free' } }, T0)).toBeUndefined();
  });

  describe('decideAcquire', () => {
    it('takes a free key with a new id and a lease from now', () => {
      const d = decideAcquire(NO_HEAD, { ...req, reason: 'r', eventId: 'e' }, at(5), 'NEW');
      expect(d.answer).toEqual({
        outcome: 'acquired',
        lock: { lockId: 'NEW', owner: 'alice', reason: 'r', eventId: 'e', acquiredAt: at(5), expiresAt: at(35), ttlSeconds: 30 },
      });
      expect(d.write).toEqual({ state: 'held', lock: d.answer.outcome === 'acquired' ? d.answer.lock : undefined });
    });

    it('renews the same owner: same id, reason, event and acquisition time, new lease', () => {
      const d = decideAcquire(
        held(lock({ reason: 'r', eventId: 'e' })),
        { owner: 'alice', ttlSeconds: 600, reason: 'ignored' },
        at(10),
        'NEW',
      );
      expect(d.answer).toEqual({ outcome: 'renewed', lock: lock({ reason: 'r', eventId: 'e', expiresAt: at(610), ttlSeconds: 600 }) });
    });

    it('refuses another owner without writing, naming the holder', () => {
      expect(decideAcquire(held(lock()), { ...req, owner: 'bob' }, at(10), 'NEW')).toEqual({
        answer: { outcome: 'refused', holder: lock() },
      });
    });

    it('takes over an expired lease, reporting it as expired', () => {
      const d = decideAcquire(held(lock()), { ...req, owner: 'bob' }, at(60), 'NEW');
      expect(d.answer).toMatchObject({ outcome: 'acquired', lock: { lockId: 'NEW', owner: 'bob' }, expired: lock() });
      // the expired holder itself gets a new acquisition, not a renewal
      expect(decideAcquire(held(lock()), req, at(61), 'NEW').answer).toMatchObject({ outcome: 'acquired', lock: { lockId: 'NEW' } });
    });
  });

  describe('decideRenew', () => {
    it.each([
      [
        'the owner: new lease from now, default ttl the lock’s own',
        held(lock()),
        'L1',
        'alice',
        undefined,
        30,
        { outcome: 'ok', lock: lock({ expiresAt: at(90) }) },
      ],
      [
        'the owner with a ttl',
        held(lock()),
        'L1',
        'alice',
        600,
        30,
        { outcome: 'ok', lock: lock({ expiresAt: at(630), ttlSeconds: 600 }) },
      ],
      ['another owner', held(lock()), 'L1', 'bob', undefined, 30, { outcome: 'not-owner', holder: lock() }],
      ['an expired lock', held(lock()), 'L1', 'alice', undefined, 60, { outcome: 'not-found' }],
      ['another lock id', held(lock()), 'L2', 'alice', undefined, 30, { outcome: 'not-found' }],
      ['a released key', { gen: 2, value: { state: 'free' as const } }, 'L1', 'alice', undefined, 30, { outcome: 'not-found' }],
    ])('%s', (_name, head, id, owner, ttl, now, answer) => {
      expect(decideRenew(head, id, { owner, ttlSeconds: ttl }, at(now)).answer).toEqual(answer);
    });
  });

  describe('decideRelease', () => {
    it('by the owner: released; by another owner: refused unless forced, then recorded as forced by the caller', () => {
      expect(decideRelease(held(lock()), 'L1', { owner: 'alice', force: false }, at(1))).toEqual({
        write: { state: 'free', ended: { lock: lock(), how: 'released' } },
        answer: { outcome: 'ok', lock: lock(), how: 'released' },
      });
      expect(decideRelease(held(lock()), 'L1', { owner: 'bob', force: false }, at(1)).answer).toEqual({
        outcome: 'not-owner',
        holder: lock(),
      });
      expect(decideRelease(held(lock()), 'L1', { force: true, by: 'user:u' }, at(1)).write).toEqual({
        state: 'free',
        ended: { lock: lock(), how: 'forced', by: 'user:u' },
      });
      expect(decideRelease(held(lock()), 'L1', { owner: 'alice', force: true, by: 'user:u' }, at(1)).answer).toMatchObject({
        how: 'released',
      });
      expect(decideRelease(held(lock()), 'L1', { owner: 'alice', force: false }, at(60)).answer).toEqual({ outcome: 'not-found' });
    });
  });

  it('records who made each change: the acquirer, the renewer (an admin for the owner), the releaser', () => {
    const acquired = decideAcquire(NO_HEAD, { ...req, by: 'user:alice' }, at(0), 'L1');
    expect(acquired.answer).toMatchObject({ outcome: 'acquired', lock: { owner: 'alice', by: 'user:alice' } });
    const renewed = decideRenew(held(lock({ by: 'user:alice' })), 'L1', { owner: 'alice', by: 'user:boss' }, at(1));
    expect(renewed.write).toMatchObject({ state: 'held', lock: { owner: 'alice', by: 'user:boss' } });
    // Without a known caller (TRACKER_AUTH=off) no author is claimed for the renewal.
    expect(decideRenew(held(lock({ by: 'user:alice' })), 'L1', { owner: 'alice' }, at(1)).write).not.toHaveProperty('lock.by');
    expect(decideRelease(held(lock()), 'L1', { owner: 'alice', force: false, by: 'user:boss' }, at(1)).write).toEqual({
      state: 'free',
      ended: { lock: lock(), how: 'released', by: 'user:boss' },
    });
  });

  it('decideExpire ends a held lease once it ran out, and nothing else', () => {
    expect(decideExpire(held(lock()), at(59))).toEqual({ answer: undefined });
    expect(decideExpire(held(lock()), at(60))).toEqual({
      write: { state: 'free', ended: { lock: lock(), how: 'expired' } },
      answer: lock(),
    });
    expect(decideExpire(NO_HEAD, at(60))).toEqual({ answer: undefined });
  });

  it('keys round-trip whatever the service name holds', () => {
    const key = { service: 'a"]#,[b', environment: 7, resource: 'deployment' };
    expect(parseKeyText(keyText(key))).toEqual(key);
    expect(keyText(key)).not.toBe(keyText({ ...key, service: 'a"]#', resource: '[b' }));
  });

  it('automatic locks: operations lock "operation", deployments "deployment"', () => {
    expect([autoLockResource(1), autoLockResource(2)]).toEqual(['deployment', 'operation']);
  });

  it('a refusal is a 409 urn:tracker:problems:locked problem with a holder member', () => {
    const err = new LockedError({ service: 'api', environment: 7, resource: 'deployment' }, lock({ reason: 'deploy' }));
    expect(err).toBeInstanceOf(DomainError);
    expect(toProblem(err, false, 'c')).toEqual({
      status: 409,
      body: {
        type: 'urn:tracker:problems:locked',
        title: 'Locked by another owner',
        status: '409',
        detail: expect.stringContaining('held by "alice" (lock L1, until 2024-01-01T00:01:00.000Z, reason: "deploy")'),
        correlationID: 'c',
        holder: {
          id: 'L1',
          owner: 'alice',
          reason: 'deploy',
          acquiredAt: '2024-01-01T00:00:00.000Z',
          expiresAt: '2024-01-01T00:01:00.000Z',
        },
      },
    });
  });
});
