import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, mongo } from 'mongoose';
import { IDEMPOTENCY_KEY_MODEL, IdempotencyKeyRecord } from './idempotency-key.schema';
import { nativeCollection } from '../../platform/database/native-collection';
import { insertUnlessExists } from '../../platform/database/unique-insert';

@Injectable()
export class IdempotencyKeyRepository {
  private readonly keys: mongo.Collection<IdempotencyKeyRecord>;

  constructor(@InjectModel(IDEMPOTENCY_KEY_MODEL) model: Model<IdempotencyKeyRecord>) {
    this.keys = nativeCollection(model);
  }

  /** Claims the key; false when someone holds it already. */
  tryClaim(record: IdempotencyKeyRecord): Promise<boolean> {
    return insertUnlessExists(this.keys, record);
  }

  find(id: string): Promise<IdempotencyKeyRecord | null> {
    return this.keys.findOne({ _id: id });
  }

  async complete(id: string, response: NonNullable<IdempotencyKeyRecord['response']>): Promise<void> {
    await this.keys.updateOne({ _id: id }, { $set: { state: 'done', response } });
  }

  /** Drops a key only in the state the caller saw, so a concurrent claimer's record survives. */
  async release(id: string, expected: Pick<IdempotencyKeyRecord, 'state' | 'lockedUntil'>): Promise<void> {
    await this.keys.deleteOne({ _id: id, state: expected.state, lockedUntil: expected.lockedUntil });
  }

  async deleteExpired(now: Date): Promise<number> {
    const res = await this.keys.deleteMany({ expiresAt: { $lt: now } });
    return res.deletedCount;
  }
}
