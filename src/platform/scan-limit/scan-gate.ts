/** Why a scan was not let in: the caller is at its own share, or every slot is taken. */
export type ScanRefusal = { reason: 'caller-full' | 'total-full'; retryAfterSeconds: number };

/** A slot taken by one scan; `release` gives it back (once, however often it is called). */
export interface ScanSlot {
  release(): void;
}

const MAX_RETRY_AFTER_SECONDS = 30;
/** Weight of the newest duration in the running average (about the last ten scans count). */
const SMOOTHING = 0.2;

/**
 * Counts scan queries in flight, in all and per caller, and refuses one past either bound instead of queueing
 * it: a queue would only move the wait from the store to the service, while a refusal with Retry-After tells
 * the client when a slot is likely free (about one average scan later).
 */
export class ScanGate {
  private inFlight = 0;
  private readonly perCaller = new Map<string, number>();
  private averageMs = 1000;

  constructor(
    readonly maxInFlight: number,
    readonly maxPerCaller: number,
    private readonly clock: () => number = Date.now,
  ) {}

  enter(caller: string): ScanSlot | ScanRefusal {
    const mine = this.perCaller.get(caller) ?? 0;
    if (mine >= this.maxPerCaller) return { reason: 'caller-full', retryAfterSeconds: this.retryAfterSeconds() };
    if (this.inFlight >= this.maxInFlight) return { reason: 'total-full', retryAfterSeconds: this.retryAfterSeconds() };
    this.inFlight++;
    this.perCaller.set(caller, mine + 1);
    const started = this.clock();
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.inFlight--;
        const left = (this.perCaller.get(caller) ?? 1) - 1;
        if (left === 0) this.perCaller.delete(caller);
        else this.perCaller.set(caller, left);
        this.averageMs += SMOOTHING * (this.clock() - started - this.averageMs);
      },
    };
  }

  private retryAfterSeconds(): number {
    return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(this.averageMs / 1000)));
  }
}
