import type { OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

const SWEEP_INTERVAL_MS = 60_000;

/** The expiry times of one throttler's hits on one key, oldest first; `head` skips the expired ones. */
interface HitQueue {
  expiries: number[];
  head: number;
}

interface KeyRecord {
  expiresAt: number;
  blockExpiresAt: number;
  isBlocked: boolean;
  hits: Map<string, HitQueue>;
}

function live(q: HitQueue): number {
  return q.expiries.length - q.head;
}

function prune(q: HitQueue, now: number): void {
  while (q.head < q.expiries.length && q.expiries[q.head] <= now) q.head++;
  // Drop the expired prefix once it is most of the array, so memory follows the live hits.
  if (q.head > 1024 && q.head * 2 > q.expiries.length) {
    q.expiries = q.expiries.slice(q.head);
    q.head = 0;
  }
}

/** Appends an expiry, keeping the queue sorted (a route with a shorter ttl may add an earlier one). */
function push(q: HitQueue, expiresAt: number): void {
  const e = q.expiries;
  let i = e.length;
  while (i > q.head && e[i - 1] > expiresAt) i--;
  if (i === e.length) e.push(expiresAt);
  else e.splice(i, 0, expiresAt);
}

/**
 * The throttler's in-memory storage with the same answers as @nestjs/throttler's own (a sliding log of hit
 * expiries per key, blocking for blockDuration once past the limit), at constant cost per request. The stock
 * storage filters the key's whole hit list and spreads it into Math.min on every request, so one busy caller
 * (all of a load test, or a CI system posting events) cost O(hits in the last minute) per request and as much
 * garbage; at a few hundred requests a second that was a tenth of the service's CPU.
 */
export class SlidingWindowStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly records = new Map<string, KeyRecord>();
  private sweep?: NodeJS.Timeout;

  increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    return Promise.resolve(this.hit(key, ttl, limit, blockDuration, throttlerName, Date.now()));
  }

  /** One request by `key` at `now` (ms). */
  hit(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string, now: number): ThrottlerStorageRecord {
    this.ensureSweep();
    let record = this.records.get(key);
    if (!record) {
      record = { expiresAt: now + ttl, blockExpiresAt: 0, isBlocked: false, hits: new Map() };
      this.records.set(key, record);
    }
    let q = record.hits.get(throttlerName);
    if (!q) {
      q = { expiries: [], head: 0 };
      record.hits.set(throttlerName, q);
    }
    prune(q, now);
    if (record.expiresAt - now <= 0) record.expiresAt = now + ttl;
    const timeToExpire = Math.ceil((record.expiresAt - now) / 1000);

    if (blockDuration <= 0) {
      const isBlocked = live(q) >= limit;
      if (!isBlocked) push(q, now + ttl);
      const timeToBlockExpire = live(q) ? Math.ceil((q.expiries[q.head] - now) / 1000) : timeToExpire;
      return { totalHits: live(q) + (isBlocked ? 1 : 0), timeToExpire, isBlocked, timeToBlockExpire: isBlocked ? timeToBlockExpire : 0 };
    }

    if (!record.isBlocked) push(q, now + ttl);
    if (live(q) > limit && !record.isBlocked) {
      record.isBlocked = true;
      record.blockExpiresAt = now + blockDuration;
    }
    const timeToBlockExpire = Math.ceil((record.blockExpiresAt - now) / 1000);
    if (timeToBlockExpire <= 0 && record.isBlocked) {
      record.isBlocked = false;
      q.expiries = [];
      q.head = 0;
      push(q, now + ttl);
    }
    return { totalHits: live(q), timeToExpire, isBlocked: record.isBlocked, timeToBlockExpire };
  }

  /** Forgets keys with no live hit, no running block and an expired window (callers who went quiet). */
  evictIdle(now = Date.now()): void {
    for (const [key, record] of this.records) {
      if (record.isBlocked && record.blockExpiresAt > now) continue;
      if (record.expiresAt > now) continue;
      let anyLive = false;
      for (const q of record.hits.values()) {
        prune(q, now);
        if (live(q) > 0) anyLive = true;
      }
      if (!anyLive) this.records.delete(key);
    }
  }

  get size(): number {
    return this.records.size;
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweep);
    this.sweep = undefined;
    this.records.clear();
  }

  private ensureSweep(): void {
    if (this.sweep) return;
    this.sweep = setInterval(() => this.evictIdle(), SWEEP_INTERVAL_MS);
    this.sweep.unref();
  }
}
