import { ClaimHead, decideClaim, decideFinish, decideRelease, NO_CLAIM } from './claim-rules';
import type { AttemptResult } from './delivery-record';

const now = new Date('2026-03-01T12:00:00Z');
const me = { holder: 'me', eventId: 'e1', leaseMs: 30_000 };
const result: AttemptResult = { attempt: { at: now, ok: true }, state: 'delivered' };
const held = (holder: string, expiresAt: Date): ClaimHead => ({ gen: 3, value: { state: 'held', holder, eventId: 'e1', expiresAt } });
const released: ClaimHead = { gen: 2, value: { state: 'released', holder: 'other', eventId: 'e1' } };
const later = new Date(now.getTime() + 1);
const earlier = new Date(now.getTime() - 1);

describe('claim rules', () => {
  it.each([
    ['nothing stored', NO_CLAIM],
    ['a released claim', released],
    ['a lease that ran out', held('other', now)],
  ])('claims %s, appending a held link with a fresh lease', (_, head) => {
    expect(decideClaim(head, me, now)).toEqual({
      answer: { kind: 'acquired' },
      write: { state: 'held', holder: 'me', eventId: 'e1', expiresAt: new Date(now.getTime() + 30_000) },
    });
  });

  it('is busy while a lease runs, whoever holds it, and writes nothing', () => {
    expect(decideClaim(held('other', later), me, now)).toEqual({ answer: { kind: 'busy' } });
    expect(decideClaim(held('me', later), me, now)).toEqual({ answer: { kind: 'busy' } });
  });

  it('replays a finished attempt', () => {
    const head: ClaimHead = { gen: 2, value: { state: 'done', holder: 'other', eventId: 'e1', result } };
    expect(decideClaim(head, me, now)).toEqual({ answer: { kind: 'done', result } });
  });

  it('lets only the holder finish or release, even past its lease while nobody took over', () => {
    expect(decideFinish(held('me', earlier), 'me', result)).toEqual({
      answer: true,
      write: { state: 'done', holder: 'me', eventId: 'e1', result },
    });
    expect(decideFinish(held('other', later), 'me', result)).toEqual({ answer: false });
    expect(decideFinish(NO_CLAIM, 'me', result)).toEqual({ answer: false });
    expect(decideRelease(held('me', later), 'me')).toEqual({ answer: true, write: { state: 'released', holder: 'me', eventId: 'e1' } });
    expect(decideRelease(held('other', later), 'me')).toEqual({ answer: false });
  });
});
