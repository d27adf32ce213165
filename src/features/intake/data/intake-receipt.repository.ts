import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { mongo, Model } from 'mongoose';
import { insertUnlessExists } from '../../../platform/database/unique-insert';
import { INTAKE_RECEIPT_MODEL, IntakeOutcomeRecord, IntakeReceiptRecord } from './intake-receipt.schema';
import { nativeCollection } from '../../../platform/database/native-collection';

/** The only code touching intake_receipts; every operation is by `_id` but the retention sweep. */
@Injectable()
export class IntakeReceiptRepository {
  private readonly collection: mongo.Collection<IntakeReceiptRecord>;

  constructor(@InjectModel(INTAKE_RECEIPT_MODEL) model: Model<IntakeReceiptRecord>) {
    this.collection = nativeCollection(model);
  }


  /** True when this call claimed the delivery (nobody had); false when a receipt already exists. */
  claim(key: string, at: Date, digest?: string): Promise<boolean> {
    const receipt: IntakeReceiptRecord = { _id: key, state: 'applying', claimedAt: at, ...(digest ? { digest } : {}) };
    return insertUnlessExists(this.collection, receipt);
  }

  find(key: string): Promise<IntakeReceiptRecord | null> {
    return this.collection.findOne({ _id: key });
  }

  /**
   * Takes over a claim still `applying` since exactly `claimedAt` (its holder is gone); true when this call won.
   * The taker's digest replaces the claim's (the same one, or none on a receipt from before digests).
   */
  async takeOver(key: string, claimedAt: Date, at: Date, digest: string | undefined): Promise<boolean> {
    const res = await this.collection.updateOne(
      { _id: key, state: 'applying', claimedAt },
      { $set: { claimedAt: at, ...(digest ? { digest } : {}) } },
    );
    return res.modifiedCount === 1;
  }

  async complete(key: string, claimedAt: Date, outcome: IntakeOutcomeRecord, at: Date): Promise<void> {
    await this.collection.updateOne({ _id: key, claimedAt }, { $set: { state: 'done', doneAt: at, outcome } });
  }

  /** The retention sweep: deletes every receipt last claimed before `cutoff`; returns how many went. */
  async deleteClaimedBefore(cutoff: Date): Promise<number> {
    const res = await this.collection.deleteMany({ claimedAt: { $lt: cutoff } });
    return res.deletedCount;
  }

  /** Drops a claim whose apply failed, so the sender's retry applies it afresh. */
  async release(key: string, claimedAt: Date): Promise<void> {
    await this.collection.deleteOne({ _id: key, state: 'applying', claimedAt });
  }
}
