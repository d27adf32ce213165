import { MAX_RETRY_AFTER_MS, nextStep, parseRetryAfter } from './retry-policy';

const schedule = [5000, 30000, 120000];
const fail = { ok: false as const, retryable: true, error: 'HTTP 500' };

describe('nextStep', () => {
  it('marks a successful attempt delivered', () => {
    expect(nextStep(1, { ok: true }, schedule)).toEqual({ state: 'delivered' });
  });

  it.each([
    [1, 5000],
    [2, 30000],
    [3, 120000],
  ])('after failed attempt %i waits the scheduled %i ms, +/-20%%', (attempt, base) => {
    expect(nextStep(attempt, fail, schedule, () => 0)).toEqual({ state: 'pending', delayMs: base * 0.8 });
    expect(nextStep(attempt, fail, schedule, () => 1)).toEqual({ state: 'pending', delayMs: base * 1.2 });
  });

  it('keeps the first retry within 10 seconds by default', () => {
    const step = nextStep(1, fail, [5000], () => 0.999);
    expect(step.state === 'pending' && step.delayMs).toBeLessThanOrEqual(10000);
  });

  it('gives up after the schedule is exhausted', () => {
    expect(nextStep(4, fail, schedule)).toEqual({ state: 'dead' });
  });

  it('gives up at once on a permanent failure', () => {
    expect(nextStep(1, { ok: false, retryable: false, error: 'HTTP 404' }, schedule)).toEqual({ state: 'dead' });
  });

  it("honours a 429's Retry-After instead of the schedule, within a bound", () => {
    expect(nextStep(1, { ...fail, retryAfterMs: 42000 }, schedule)).toEqual({ state: 'pending', delayMs: 42000 });
    expect(nextStep(1, { ...fail, retryAfterMs: 10 * MAX_RETRY_AFTER_MS }, schedule)).toEqual({
      state: 'pending',
      delayMs: MAX_RETRY_AFTER_MS,
    });
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['3', 3000],
    ['0.5', 500],
    [' 10 ', 10000],
  ])('reads seconds %p', (v, ms) => expect(parseRetryAfter(v)).toBe(ms));

  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30000);
  });

  it.each([[undefined], [null], [''], ['soon']])('ignores %p', (v) => expect(parseRetryAfter(v)).toBeUndefined());
});
