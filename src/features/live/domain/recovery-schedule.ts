/**
 * When the live log's recovery sweep is due (docs/live.md, "Recovery"). A sweep at `t` finds the mutations stored
 * in [t - window, t - grace) that were never logged; on the embedded store it reads three collections whole,
 * so it runs only when a mutation may be missing:
 *
 * - **suspected**: something this instance knows of may have left a mutation unlogged (it booted, maybe after a
 *   crash of its own; one of its appends failed or could not be placed). Due once the grace has passed since the
 *   oldest such suspicion not yet covered, and again after each failed sweep.
 * - **idle**: another instance may have been killed between a write and its append without ever coming back.
 *   Nobody here can know, so a sweep runs at least every `idleEveryMs` anyway.
 *
 * Pure bookkeeping over millisecond timestamps; LiveRecorder owns the timer and the sweep.
 */
export class RecoverySchedule {
  /** The oldest and newest suspicions not yet covered by a successful sweep. */
  private oldest?: number;
  private newest?: number;
  private lastSweep: number;

  constructor(
    private readonly graceMs: number,
    private readonly idleEveryMs: number,
    now: number,
  ) {
    this.lastSweep = now;
  }

  /** A mutation of `at` may be stored and not logged. */
  suspect(at: number): void {
    this.oldest = Math.min(this.oldest ?? at, at);
    this.newest = Math.max(this.newest ?? at, at);
  }

  due(now: number): boolean {
    if (this.oldest !== undefined && now >= this.oldest + this.graceMs) return true;
    return now - this.lastSweep >= this.idleEveryMs;
  }

  /** A sweep that started at `startedAt` finished: it covered every suspicion whose grace had passed by then. */
  swept(startedAt: number): void {
    this.lastSweep = Math.max(this.lastSweep, startedAt);
    if (this.newest === undefined) return;
    if (this.newest + this.graceMs <= startedAt) this.oldest = this.newest = undefined;
    // Some came too late for it: the next sweep waits for the newest (it covers the ones in between too).
    else this.oldest = this.newest;
  }
}
