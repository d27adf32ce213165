import { CliError, ExitCode } from './exit-codes';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The longest single wait, in ms; a longer Retry-After is capped to it. */
  maxDelayMs: number;
  /** Told before each wait (the CLI prints it on stderr). */
  onRetry?: (reason: string, delayMs: number, attempt: number) => void;
  sleep?: (ms: number) => Promise<void>;
}

const FIRST_DELAY_MS = 250;

/**
 * How long to wait before attempt `attempt + 1`: the server's Retry-After (seconds or an HTTP date) when it
 * sent one, else exponential backoff from 250 ms; never more than maxDelayMs.
 */
export function retryDelayMs(attempt: number, retryAfter: string | null, maxDelayMs: number, now = Date.now()): number {
  let delay = FIRST_DELAY_MS * 2 ** (attempt - 1);
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) delay = seconds * 1000;
    else if (!Number.isNaN(Date.parse(retryAfter))) delay = Math.max(0, Date.parse(retryAfter) - now);
  }
  return Math.min(delay, maxDelayMs);
}

/** 429 and 503 (and a gateway's 502/504) are worth another try; so is a 409 for a create still in progress. */
async function retryReason(res: Response): Promise<string | undefined> {
  if ([429, 502, 503, 504].includes(res.status)) return `HTTP ${res.status}`;
  if (res.status === 409) {
    const text = await res
      .clone()
      .text()
      .catch(() => '');
    if (text.includes('still in progress')) return 'HTTP 409 (the same create is still in progress)';
  }
  return undefined;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A fetch for openapi-fetch that retries network errors, 429 and 503 with bounded backoff, honouring
 * Retry-After. Each attempt sends a clone of the same request, so a create keeps its Idempotency-Key and a
 * retried create is answered with the first one's result, never a second event. After the last attempt it
 * throws CliError(Unreachable), or answers the last 429/503 as it came.
 */
export function retryingFetch(options: RetryOptions, baseFetch: (input: Request) => Promise<Response> = fetch) {
  const sleep = options.sleep ?? realSleep;
  return async (request: Request): Promise<Response> => {
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await baseFetch(request.clone());
      } catch (err) {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        const reason = cause?.code ?? cause?.message ?? (err as Error).message;
        if (attempt >= options.attempts)
          throw new CliError(ExitCode.Unreachable, `${request.method} ${request.url}: unreachable after ${attempt} attempts (${reason})`);
        const delay = retryDelayMs(attempt, null, options.maxDelayMs);
        options.onRetry?.(reason, delay, attempt);
        await sleep(delay);
        continue;
      }
      const reason = await retryReason(res);
      if (!reason) return res;
      if (attempt >= options.attempts)
        throw new CliError(
          ExitCode.Unreachable,
          `${request.method} ${request.url}: still ${reason} after ${attempt} attempts`,
          await problemOf(res),
        );
      const delay = retryDelayMs(attempt, res.headers.get('retry-after'), options.maxDelayMs);
      await res.body?.cancel();
      options.onRetry?.(reason, delay, attempt);
      await sleep(delay);
    }
  };
}

async function problemOf(res: Response): Promise<unknown> {
  return res.json().catch(() => undefined);
}
