import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo } from 'mongoose';
import { nativeCollection } from '../../../platform/database/native-collection';
import { FREEZE_MODEL, FreezeRecord } from './freeze.schema';

/** Which freezes can still cover something at or after `after` for a service and environment (either may be absent: any). */
export interface FreezeScope {
  service?: string;
  environment?: number;
  after: Date;
}

/** The only code touching the freezes collection; plain objects in and out, through the driver. */
@Injectable()
export class FreezeRepository {
  private readonly collection: mongo.Collection<FreezeRecord>;

  constructor(@InjectModel(FREEZE_MODEL) model: Model<FreezeRecord>) {
    this.collection = nativeCollection(model);
  }

  async insert(record: FreezeRecord): Promise<void> {
    await this.collection.insertOne(record);
  }

  /** Stores an imported freeze (created or replaced by its `_id`, which its UID decides). */
  async upsert(record: FreezeRecord): Promise<void> {
    await this.collection.replaceOne({ _id: record._id }, record, { upsert: true });
  }

  /** Any stored freeze with one of these ids, deleted ones included (an import compares before writing). */
  findMany(ids: string[]): Promise<FreezeRecord[]> {
    return this.collection.find({ _id: { $in: ids } }).toArray();
  }

  findLive(id: string): Promise<FreezeRecord | null> {
    return this.collection.findOne({ _id: id, deletedAt: null });
  }

  /** Records the deletion on the document; false when there was no live freeze with this id. */
  async markDeleted(id: string, at: Date, by: string): Promise<boolean> {
    const res = await this.collection.updateOne({ _id: id, deletedAt: null }, { $set: { deletedAt: at, deletedBy: by } });
    return res.matchedCount === 1;
  }

  async page(skip: number, limit: number): Promise<{ items: FreezeRecord[]; total: number }> {
    const filter = { deletedAt: null };
    const [items, total] = await Promise.all([
      this.collection.find(filter).sort({ createdAt: -1, _id: -1 }).skip(skip).limit(limit).toArray(),
      this.collection.countDocuments(filter),
    ]);
    return { items, total };
  }

  /** Live freezes of the scope whose coverage has not ended by `after` (one query). */
  inScope(scope: FreezeScope): Promise<FreezeRecord[]> {
    const and: mongo.Filter<FreezeRecord>[] = [{ deletedAt: null }, { $or: [{ coverUntil: null }, { coverUntil: { $gt: scope.after } }] }];
    if (scope.service !== undefined) and.push({ $or: [{ allServices: true }, { services: scope.service }] });
    if (scope.environment !== undefined) and.push({ $or: [{ allEnvironments: true }, { environments: scope.environment }] });
    return this.collection.find({ $and: and }).sort({ createdAt: 1, _id: 1 }).toArray();
  }
}
