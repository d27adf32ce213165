/** What one delivery attempt through a channel came to. */
export type AttemptOutcome = { ok: true; detail?: string } | { ok: false; retryable: boolean; error: string; retryAfterMs?: number };

export type NextStep = { state: 'delivered' } | { state: 'pending'; delayMs: number } | { state: 'dead' };

/** A peer's Retry-After is honoured up to this bound, so one bad header cannot park a delivery for days. */
export const MAX_RETRY_AFTER_MS = 6 * 60 * 60 * 1000;

/**
 * After attempt number `attempt` (1-based) ended with `outcome`: delivered, wait and retry, or give up.
 * `scheduleMs[i]` is the base wait before retry i+1; with the schedule exhausted the delivery is dead.
 * Waits get +/-20% jitter so instances that failed together do not retry together; a 429's Retry-After
 * replaces the scheduled wait (it still counts as an attempt).
 */
export function nextStep(attempt: number, outcome: AttemptOutcome, scheduleMs: number[], random: () => number = Math.random): NextStep {
  if (outcome.ok) return { state: 'delivered' };
  if (!outcome.retryable || attempt > scheduleMs.length) return { state: 'dead' };
  if (outcome.retryAfterMs !== undefined) return { state: 'pending', delayMs: Math.min(outcome.retryAfterMs, MAX_RETRY_AFTER_MS) };
  const base = scheduleMs[attempt - 1];
  const jitter = 0.8 + 0.4 * random();
  return { state: 'pending', delayMs: Math.round(base * jitter) };
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
