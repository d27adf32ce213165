import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo } from 'mongoose';
import { nativeCollection } from '../../../platform/database/native-collection';
import { insertEachUnlessExists } from '../../../platform/database/unique-insert';
import { FREEZE_MODEL, FreezeRecord } from './freeze.schema';

/** Documents per write command of an import. */
const WRITE_CHUNK = 500;

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

  /**
   * Stores imported freezes the store did not hold: unordered inserts, a chunk per command (the embedded store
   * takes a 10,000-document write in one go too slowly for the socket timeout). A freeze another import stored in
   * between (the same UID and scope) is replaced instead. Answers how many this call inserted.
   */
  async insertImported(records: FreezeRecord[]): Promise<number> {
    let count = 0;
    for (let i = 0; i < records.length; i += WRITE_CHUNK) {
      const chunk = records.slice(i, i + WRITE_CHUNK);
      const inserted = await insertEachUnlessExists(this.collection, chunk);
      count += inserted.filter(Boolean).length;
      await this.replaceImported(chunk.filter((_, j) => !inserted[j]));
    }
    return count;
  }

  /** Replaces imported freezes by `_id` (their UID and scope decide it): one bulk write per chunk. */
  async replaceImported(records: FreezeRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += WRITE_CHUNK) {
      const chunk = records.slice(i, i + WRITE_CHUNK);
      await this.collection.bulkWrite(
        chunk.map((record) => ({ replaceOne: { filter: { _id: record._id }, replacement: record, upsert: true } })),
        { ordered: false },
      );
    }
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
