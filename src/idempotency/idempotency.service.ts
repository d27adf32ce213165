import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { IdempotencyKeyRepository } from './data/idempotency-key.repository';
import { IdempotencyKeyRecord } from './data/idempotency-key.schema';
import { ConflictError } from '../platform/errors/domain-errors';

export type StoredResponse = NonNullable<IdempotencyKeyRecord['response']>;

const KEY_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a claimed key may stay pending before another request may assume its holder died. */
const LOCK_MS = 30_000;
/** How long a duplicate waits for the first request with its key to finish. */
const WAIT_MS = 15_000;
const POLL_MS = 20;
const SWEEP_MS = 10 * 60 * 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Idempotency keys (Stripe / IETF draft semantics): the first request with a key runs and its response is
 * stored; a repeat with the same request gets that response replayed; the same key with a different request
 * is a conflict; a repeat that arrives while the first still runs waits for it. Exactly one request wins
 * the key through the store's unique primary key, so this holds across instances.
 */
@Injectable()
export class IdempotencyService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyService.name);
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly keys: IdempotencyKeyRepository) {}

  async execute(
    scope: string,
    key: string,
    hash: string,
    run: () => Promise<StoredResponse>,
  ): Promise<{ response: StoredResponse; replayed: boolean }> {
    const id = `${scope}|${key}`;
    const waitUntil = Date.now() + WAIT_MS;
    for (;;) {
      const now = new Date();
      const claim: IdempotencyKeyRecord = {
        _id: id,
        requestHash: hash,
        state: 'pending',
        createdAt: now,
        expiresAt: new Date(now.getTime() + KEY_TTL_MS),
        lockedUntil: new Date(now.getTime() + LOCK_MS),
      };
      if (await this.keys.tryClaim(claim)) {
        let response: StoredResponse;
        try {
          response = await run();
        } catch (err) {
          // Nothing was stored for this key: the caller may retry it (Stripe does the same for failed requests).
          await this.keys.release(id, claim).catch(() => undefined);
          throw err;
        }
        await this.keys.complete(id, response);
        return { response, replayed: false };
      }
      const existing = await this.keys.find(id);
      if (!existing) continue;
      if (existing.expiresAt <= now || (existing.state === 'pending' && existing.lockedUntil <= now)) {
        await this.keys.release(id, existing);
        continue;
      }
      if (existing.requestHash !== hash) {
        throw new ConflictError('This Idempotency-Key was already used with a different request.', [
          { name: 'Idempotency-Key', reason: 'already used with a different request' },
        ]);
      }
      if (existing.state === 'done' && existing.response) return { response: existing.response, replayed: true };
      if (Date.now() > waitUntil) {
        throw new ConflictError('A request with this Idempotency-Key is still in progress; retry later.', [
          { name: 'Idempotency-Key', reason: 'a request with this key is still in progress' },
        ]);
      }
      await sleep(POLL_MS);
    }
  }

  onApplicationBootstrap(): void {
    this.sweeper = setInterval(() => {
      this.keys.deleteExpired(new Date()).catch((err: unknown) => this.logger.warn({ err }, 'idempotency sweep failed'));
    }, SWEEP_MS);
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }
}
