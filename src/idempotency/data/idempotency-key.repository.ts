import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { IDEMPOTENCY_KEY_MODEL, IdempotencyKeyRecord } from './idempotency-key.schema';
import { insertUnlessExists } from '../../platform/database/unique-insert';

@Injectable()
export class IdempotencyKeyRepository {
  constructor(@InjectModel(IDEMPOTENCY_KEY_MODEL) private readonly model: Model<IdempotencyKeyRecord>) {}

  /** Claims the key; false when someone holds it already. */
  tryClaim(record: IdempotencyKeyRecord): Promise<boolean> {
    return insertUnlessExists(this.model.collection, record);
  }

  find(id: string): Promise<IdempotencyKeyRecord | null> {
    return this.model.collection.findOne<IdempotencyKeyRecord>({ _id: id as never });
  }

  async complete(id: string, response: NonNullable<IdempotencyKeyRecord['response']>): Promise<void> {
    await this.model.collection.updateOne({ _id: id as never }, { $set: { state: 'done', response } });
  }

  /** Drops a key only in the state the caller saw, so a concurrent claimer's record survives. */
  async release(id: string, expected: Pick<IdempotencyKeyRecord, 'state' | 'lockedUntil'>): Promise<void> {
    await this.model.collection.deleteOne({ _id: id as never, state: expected.state, lockedUntil: expected.lockedUntil });
  }

  async deleteExpired(now: Date): Promise<number> {
    const res = await this.model.collection.deleteMany({ expiresAt: { $lt: now } });
    return res.deletedCount;
  }
}
