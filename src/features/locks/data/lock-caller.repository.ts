import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo } from 'mongoose';
import { LOCK_CALLER_MODEL, LockCallerRecord } from './lock.schema';
import { nativeCollection } from '../../../platform/database/native-collection';

/** The only code touching lock_callers: per caller and instance, the lock ids acquired (LockQuota). */
@Injectable()
export class LockCallerRepository {
  private readonly callers: mongo.Collection<LockCallerRecord>;

  constructor(@InjectModel(LOCK_CALLER_MODEL) model: Model<LockCallerRecord>) {
    this.callers = nativeCollection(model);
  }


  /** Every instance's record of `caller` (one query; the collection holds one small document per caller and instance). */
  async ofCaller(caller: string): Promise<LockCallerRecord[]> {
    return this.callers.find({ caller }).toArray();
  }

  /** Replaces this instance's record (only this instance writes it). */
  async save(id: string, caller: string, lockIds: string[], now: Date): Promise<void> {
    await this.callers.replaceOne({ _id: id }, { caller, lockIds, updatedAt: now }, { upsert: true });
  }

  /** Records no instance changed since `cutoff` (every lock in them acquired before, so long ended). */
  async deleteUnchangedSince(cutoff: Date): Promise<number> {
    return (await this.callers.deleteMany({ updatedAt: { $lt: cutoff } })).deletedCount;
  }
}
