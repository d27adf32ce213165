import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreUnavailableError } from '../../platform/errors/domain-errors';
import { IntakeReceiptRepository } from './data/intake-receipt.repository';
import type { IntakeOutcomeRecord } from './data/intake-receipt.schema';

/** How long a claim may stay `applying` before a retry takes it over (its holder crashed or hung). */
export const RECEIPT_LEASE_MS = 30_000;
/** How long a concurrent copy of a delivery waits for the copy being applied before answering 503. */
const WAIT_MS = 10_000;
const POLL_MS = 50;

export type LedgerResult =
  | {
      /** true: this delivery had already been recorded (a redelivery or retry); nothing new was stored. */
      duplicate: boolean;
      outcome: IntakeOutcomeRecord;
    }
  /** Another delivery with other content was recorded (or is being recorded) under this key: nothing was stored. */
  | { conflict: true };

/**
 * Exactly-once intake of upstream deliveries, keyed by the delivery's identity (X-GitHub-Delivery, CloudEvents
 * source + id), across any number of instances: the first copy inserts the receipt (the store's unique `_id`
 * decides, never a read-then-write) and applies the delivery; every other copy waits for that receipt to be
 * `done` and answers its outcome as a duplicate. A failed apply drops its claim, so the sender's retry applies
 * again; a claim left by a crashed instance is taken over after RECEIPT_LEASE_MS.
 *
 * A copy is a duplicate only if it asks for what was recorded: given a `digest` of its content, a receipt holding
 * another digest answers `conflict` (someone else's delivery took the key first), never the other's outcome. A
 * receipt without a digest (written before digests were kept) matches any copy.
 */
@Injectable()
export class IntakeLedger {
  constructor(private readonly receipts: IntakeReceiptRepository) {}

  async once(key: string, digest: string | undefined, apply: () => Promise<IntakeOutcomeRecord>): Promise<LedgerResult> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const claimedAt = new Date();
      if (await this.receipts.claim(key, claimedAt, digest))
        return { duplicate: false, outcome: await this.applyClaimed(key, claimedAt, apply) };
      const receipt = await this.receipts.find(key);
      if (receipt?.digest && digest && receipt.digest !== digest) return { conflict: true };
      if (receipt?.state === 'done' && receipt.outcome) return { duplicate: true, outcome: receipt.outcome };
      if (receipt && receipt.claimedAt.getTime() < Date.now() - RECEIPT_LEASE_MS) {
        const now = new Date();
        if (await this.receipts.takeOver(key, receipt.claimedAt, now, digest))
          return { duplicate: false, outcome: await this.applyClaimed(key, now, apply) };
      }
      if (Date.now() > deadline) throw new StoreUnavailableError('This delivery is being recorded by another request; retry shortly.', 2);
      await sleep(POLL_MS);
    }
  }

  private async applyClaimed(key: string, claimedAt: Date, apply: () => Promise<IntakeOutcomeRecord>): Promise<IntakeOutcomeRecord> {
    let outcome: IntakeOutcomeRecord;
    try {
      outcome = await apply();
    } catch (err) {
      await this.receipts.release(key, claimedAt).catch(() => undefined);
      throw err;
    }
    await this.receipts.complete(key, claimedAt, outcome, new Date());
    return outcome;
  }
}
