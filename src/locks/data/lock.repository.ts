import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo } from 'mongoose';
import { chainLinkId, hintMove, linksBelow, readOnChain, settledHints } from '../../database/append-only-chain';
import { insertUnlessExists } from '../../database/unique-insert';
import { Head, keyText, LockKey, LockState, NO_HEAD } from '../domain/lock-rules';
import { LOCK_GENERATION_MODEL, LOCK_HEAD_MODEL, LOCK_ID_MODEL, LockGenerationRecord, LockHeadRecord, LockIdRecord } from './lock.schema';

function toHead(record: LockGenerationRecord | null | undefined): Head {
  if (!record) return NO_HEAD;
  const value: LockState = record.state === 'held' ? { state: 'held', lock: record.lock! } : { state: 'free', ...(record.ended ? { ended: record.ended } : {}) };
  return { gen: record.gen, value };
}

/**
 * The only code touching lock_generations, lock_heads and lock_ids. Every read the lock rules depend on is by
 * `_id` (the one filter the embedded store answers without a scan); the only write they depend on is an insert
 * that fails on an existing `_id`. See docs/locks.md.
 */
@Injectable()
export class LockRepository {
  private readonly logger = new Logger(LockRepository.name);

  constructor(
    @InjectModel(LOCK_GENERATION_MODEL) private readonly generationModel: Model<LockGenerationRecord>,
    @InjectModel(LOCK_HEAD_MODEL) private readonly headModel: Model<LockHeadRecord>,
    @InjectModel(LOCK_ID_MODEL) private readonly idModel: Model<LockIdRecord>,
  ) {}

  private get generations() {
    return this.generationModel.collection as unknown as mongo.Collection<LockGenerationRecord>;
  }
  private get heads() {
    return this.headModel.collection as unknown as mongo.Collection<LockHeadRecord>;
  }
  private get ids() {
    return this.idModel.collection as unknown as mongo.Collection<LockIdRecord>;
  }

  /** The key's newest generation: from the head hint, read on by `_id`. */
  async head(key: string): Promise<Head> {
    const hint = await this.heads.findOne({ _id: key });
    return this.readOn(key, toHead(hint?.head));
  }

  /**
   * Reads on from a generation known to exist (or gen 0) until the next one is missing. Exact because a chain
   * has no gaps: generation n is only ever appended by a writer that read n-1.
   */
  async readOn(key: string, from: Head): Promise<Head> {
    return readOnChain(from, async (gen) => {
      const next = await this.generations.findOne({ _id: chainLinkId(key, gen) });
      return next ? toHead(next) : null;
    });
  }

  /**
   * Appends generation `gen` of `key`: true when this call created it, false when another writer did first
   * (of any number of concurrent appends of one generation, exactly one returns true). Then moves the hint on.
   */
  async append(key: LockKey, gen: number, value: LockState, now: Date): Promise<boolean> {
    const id = keyText(key);
    // Before the first generation, so a list never misses a key that has one.
    if (gen === 1) await insertUnlessExists(this.heads, { _id: id, ...key, head: null });
    const record: LockGenerationRecord = { _id: chainLinkId(id, gen), key: id, gen, ...value, writtenAt: now };
    if (!(await insertUnlessExists(this.generations, record))) return false;
    // A hint only, moved only forward: losing this write (a crash, or a concurrent writer's move landing
    // last) just means readers read one more generation by `_id`.
    const move = hintMove(id, record);
    await this.heads.updateOne(move.filter, move.update).catch((err: unknown) => this.logger.warn({ err, key: id }, 'lock head hint not updated'));
    return true;
  }

  /**
   * Deletes, in one find and one delete whatever the number of keys, every generation below a head hint that
   * moved before `cutoff`. Readers start at the hint, so none of them needs what goes. Returns how many went.
   */
  async prune(cutoff: Date): Promise<number> {
    const settled = settledHints(cutoff);
    const hints = await this.heads.find(settled.filter as mongo.Filter<LockHeadRecord>, { projection: settled.projection }).toArray();
    const below = linksBelow(hints, 'key');
    if (below.length === 0) return 0;
    return (await this.generations.deleteMany({ $or: below })).deletedCount;
  }

  /**
   * Deletes up to `limit` lock ids recorded before `before` that no stored generation carries (as its held lock
   * or as the lock a free generation ended): the ids of acquisitions released, expired and pruned, or that lost
   * their race. GET /locks/{id} answers 404 for each of them either way. Three queries whatever the numbers; the
   * old ids are read before the generations, so an id is only deleted when its acquisition appended nothing
   * within `before` (an hour, LOCK_ID_RETENTION_MS) of recording it. Returns how many went.
   */
  async pruneLockIds(before: Date, limit: number): Promise<number> {
    const old = await this.ids.find({ createdAt: { $lt: before } }, { projection: { _id: 1 }, limit }).toArray();
    if (old.length === 0) return 0;
    const carried = await this.generations.find({}, { projection: { 'lock.lockId': 1, 'ended.lock.lockId': 1 } }).toArray();
    const live = new Set(carried.flatMap((g) => [g.lock?.lockId, g.ended?.lock.lockId]));
    const dead = old.map((r) => r._id).filter((id) => !live.has(id));
    if (dead.length === 0) return 0;
    return (await this.ids.deleteMany({ _id: { $in: dead }, createdAt: { $lt: before } })).deletedCount;
  }

  /** Written before the acquisition's generation, so the id resolves as soon as the lock exists. */
  async recordLockId(lockId: string, key: LockKey, now: Date): Promise<void> {
    await this.ids.insertOne({ _id: lockId, key: keyText(key), createdAt: now });
  }

  async keyOfLock(lockId: string): Promise<string | null> {
    return (await this.ids.findOne({ _id: lockId }))?.key ?? null;
  }

  /** Every key (of one service / environment), with its head hint. */
  async keys(filter: { service?: string; environment?: number }): Promise<{ key: string; hint: Head }[]> {
    const query: mongo.Filter<LockHeadRecord> = {};
    if (filter.service !== undefined) query.service = String(filter.service);
    if (filter.environment !== undefined) query.environment = Number(filter.environment);
    const rows = await this.heads.find(query).toArray();
    return rows.map((r) => ({ key: r._id, hint: toHead(r.head) }));
  }
}
