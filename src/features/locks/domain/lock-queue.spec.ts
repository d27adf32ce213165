import { decideAcquireOrWait, decideLeave, holderAheadOf, lineOf, MAX_QUEUE_LENGTH, withQueue } from './lock-queue';
import { decideExpire, decideRelease, Head, HeldLock, LockState, Ticket } from './lock-rules';

const T0 = new Date('2027-01-04T10:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function lock(owner: string, expiresIn = 60): HeldLock {
  return { lockId: `lock-${owner}`, owner, acquiredAt: T0, expiresAt: at(expiresIn), ttlSeconds: expiresIn };
}

function ticket(owner: string, expiresIn = 300): Ticket {
  return { ticketId: `t-${owner}`, owner, ttlSeconds: 30, waitSeconds: expiresIn, queuedAt: T0, expiresAt: at(expiresIn) };
}

const head = (value: LockState): Head => ({ gen: 3, value });
const wait = (owner: string, waitSeconds = 300) => ({ owner, ttlSeconds: 30, waitSeconds });

describe('lock queue rules', () => {
  it('joins the end of the line while another owner holds the key; asking again keeps the place and renews the ticket', () => {
    const h = head({ state: 'held', lock: lock('a'), queue: [ticket('b')] });
    const joined = withQueue((x: Head, now) => decideAcquireOrWait(x, wait('c'), now, 'new'))(h, at(1));
    expect(joined.answer.answer).toMatchObject({ outcome: 'queued', position: 2, joined: true, ticket: { ticketId: 'new', owner: 'c' } });
    expect(joined.write).toMatchObject({ state: 'held', lock: { owner: 'a' } });
    expect(joined.write!.queue!.map((t) => t.owner)).toEqual(['b', 'c']);

    const again = withQueue((x: Head, now) => decideAcquireOrWait(x, wait('b', 600), now, 'other'))(h, at(5));
    expect(again.answer.answer).toMatchObject({ outcome: 'queued', position: 1, joined: false, ticket: { ticketId: 't-b' } });
    expect(again.write!.queue![0].expiresAt).toEqual(at(605));
  });

  it('acquires directly when free, and is a plain refusal without wait', () => {
    const free = withQueue((x: Head, now) => decideAcquireOrWait(x, wait('c'), now, 'new'))(head({ state: 'free' }), at(1));
    expect(free.answer.answer).toMatchObject({ outcome: 'acquired', lock: { lockId: 'new' } });
    const h = head({ state: 'held', lock: lock('a') });
    const refused = withQueue((x: Head, now) => decideAcquireOrWait(x, { owner: 'c', ttlSeconds: 30 }, now, 'new'))(h, at(1));
    expect(refused).toEqual({ answer: { answer: { outcome: 'refused', holder: lock('a') }, handoff: { acquired: [] } } });
  });

  it('refuses a full line', () => {
    const queue = Array.from({ length: MAX_QUEUE_LENGTH }, (_, i) => ticket(`w${i}`));
    const full = decideAcquireOrWait(head({ state: 'held', lock: lock('a'), queue }), wait('late'), at(1), 'new');
    expect(full).toEqual({ answer: { outcome: 'queue-full', holder: lock('a') } });
  });

  it('a release hands the lock to the first live waiter in the same generation (its ticket id becomes the lock id)', () => {
    const h = head({ state: 'held', lock: lock('a'), queue: [ticket('gone', 5), ticket('b'), ticket('c')] });
    const d = withQueue((x: Head, now) => decideRelease(x, 'lock-a', { owner: 'a', force: false }, now))(h, at(10));
    expect(d.write).toMatchObject({ state: 'held', lock: { lockId: 't-b', owner: 'b', acquiredAt: at(10), expiresAt: at(40) } });
    expect(d.write!.queue!.map((t) => t.owner)).toEqual(['c']);
    expect(d.answer.handoff.acquired.map((l) => l.lockId)).toEqual(['t-b']);
    expect(d.answer.handoff.expired).toBeUndefined();
  });

  it('a lease that ran out is handed on by any writer (the sweep included), and the expiry is reported once', () => {
    const h = head({ state: 'held', lock: lock('a', 60), queue: [ticket('b')] });
    const d = withQueue((x: Head, now) => decideExpire(x, now))(h, at(61));
    expect(d.answer.answer).toBeUndefined();
    expect(d.write).toMatchObject({ state: 'held', lock: { lockId: 't-b' }, queue: [] });
    expect(d.answer.handoff).toMatchObject({ acquired: [{ lockId: 't-b' }], expired: { lockId: 'lock-a' } });
    // A newcomer without wait does not jump the line: the waiter takes it, the newcomer is refused.
    const n = withQueue((x: Head, now) => decideAcquireOrWait(x, { owner: 'n', ttlSeconds: 30 }, now, 'new'))(h, at(61));
    expect(n.answer.answer).toMatchObject({ outcome: 'refused', holder: { lockId: 't-b' } });
    expect(n.write).toMatchObject({ state: 'held', lock: { lockId: 't-b' } });
  });

  it('with every ticket run out, a release frees the key and the line is emptied', () => {
    const h = head({ state: 'held', lock: lock('a'), queue: [ticket('b', 5)] });
    const d = withQueue((x: Head, now) => decideRelease(x, 'lock-a', { owner: 'a', force: false }, now))(h, at(10));
    expect(d.write).toMatchObject({ state: 'free', queue: [] });
    expect(d.answer.handoff.acquired).toEqual([]);
  });

  it('leaving: only the waiter (or force); an unknown or run-out ticket is not found', () => {
    const h = head({ state: 'held', lock: lock('a'), queue: [ticket('b'), ticket('c', 5)] });
    expect(decideLeave(h, 't-b', { owner: 'x', force: false }, at(1)).answer.outcome).toBe('not-owner');
    const left = decideLeave(h, 't-b', { owner: 'b', force: false }, at(1));
    expect(left.answer.outcome).toBe('ok');
    expect(left.write!.queue!.map((t) => t.owner)).toEqual(['c']);
    expect(decideLeave(h, 't-c', { force: true }, at(10)).answer.outcome).toBe('not-found');
    expect(decideLeave(h, 'nope', { force: true }, at(1)).answer.outcome).toBe('not-found');
  });

  it('reads show the live waiters and no holder for a lease that ran out (no hand-off is written by a read)', () => {
    const h = head({ state: 'held', lock: lock('a', 60), queue: [ticket('b', 30), ticket('c')] });
    expect(lineOf(h, at(61))).toEqual({ waiters: [ticket('c')] });
    expect(lineOf(h, at(1))).toEqual({ holder: lock('a', 60), waiters: [ticket('b', 30), ticket('c')] });
  });

  it("for planning, a lease that ran out with a live waiter is that waiter's, pending (its lease starts at the hand-off)", () => {
    const h = head({ state: 'held', lock: lock('a', 60), queue: [ticket('b', 30), ticket('c'), ticket('d')] });
    expect(holderAheadOf(h, at(1))).toEqual({
      holder: lock('a', 60),
      pending: false,
      waiters: [ticket('b', 30), ticket('c'), ticket('d')],
    });
    // b's ticket ran out too: c is next, with the lease it asked for counted from now (a lower bound), d after it.
    expect(holderAheadOf(h, at(61))).toEqual({
      holder: { lockId: 't-c', owner: 'c', acquiredAt: at(61), expiresAt: at(91), ttlSeconds: 30 },
      pending: true,
      waiters: [ticket('d')],
    });
    // Nobody waits: nobody holds.
    expect(holderAheadOf(head({ state: 'held', lock: lock('a', 60), queue: [ticket('b', 30)] }), at(61))).toEqual({
      pending: false,
      waiters: [],
    });
    expect(holderAheadOf(head({ state: 'free' }), at(1))).toEqual({ pending: false, waiters: [] });
  });
});
