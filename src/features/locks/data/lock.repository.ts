import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, mongo } from 'mongoose';
import { chainLinkId, hintMove } from '../../../platform/database/append-only-chain';
import { insertEachUnlessExists, insertUnlessExists } from '../../../platform/database/unique-insert';
import { ConflictError } from '../../../platform/errors/domain-errors';
import { keyText, LockKey, LockState } from '../domain/lock-rules';
import { chainCondition, chainFields, chainOfHint, LockHead, newChain, startOf, toHead } from './lock-chains';
import { LOCK_GENERATION_MODEL, LOCK_HEAD_MODEL, LOCK_ID_MODEL, LockGenerationRecord, LockHeadRecord, LockIdRecord } from './lock.schema';
import { nativeCollection } from '../../../platform/database/native-collection';

/** A key meeting a closed chain reads its hint again this often before answering 409 (the sweep deletes it at once). */
const CLOSED_REREADS = 3;

function closingLink(key: string, chain: string, gen: number, now: Date): LockGenerationRecord {
  return { _id: chainLinkId(chain, gen), key, ...chainFields(key, chain), gen, state: 'closed', writtenAt: now };
}

export interface KeyHead {
  key: string;
  head: LockHead;
}

/**
 * The only code touching lock_generations, lock_heads and lock_ids. Every read the lock rules depend on is by
 * `_id` (the one filter the embedded store answers without a scan); the only write they depend on is an insert
 * that fails on an existing `_id`. See docs/locks.md.
 */
@Injectable()
export class LockRepository {
  private readonly logger = new Logger(LockRepository.name);

  protected readonly generations: mongo.Collection<LockGenerationRecord>;
  protected readonly heads: mongo.Collection<LockHeadRecord>;
  private readonly ids: mongo.Collection<LockIdRecord>;

  constructor(
    @InjectModel(LOCK_GENERATION_MODEL) generationModel: Model<LockGenerationRecord>,
    @InjectModel(LOCK_HEAD_MODEL) headModel: Model<LockHeadRecord>,
    @InjectModel(LOCK_ID_MODEL) idModel: Model<LockIdRecord>,
  ) {
    this.generations = nativeCollection(generationModel);
    this.heads = nativeCollection(headModel);
    this.ids = nativeCollection(idModel);
  }

  /**
   * The key's newest generation: from the head hint, read on by `_id`. A key without a hint has no generation:
   * the head proposes a new chain for the writer that appends its first one. A closed chain (the key is being
   * deleted) is read again from the hint; still closed, the answer is a 409 to retry.
   */
  async head(key: string): Promise<LockHead> {
    for (let read = 0; read < CLOSED_REREADS; read++) {
      const hint = await this.heads.findOne({ _id: key });
      if (!hint) return { gen: 0, value: { state: 'free' }, chain: newChain(key) };
      const head = await this.readChain(startOf(hint));
      if (head) return head;
    }
    throw new ConflictError('The lock key is being deleted after a long idle time; retry.');
  }

  /**
   * Reads on from a generation known to exist (or gen 0) until the next one is missing. Exact because a chain
   * has no gaps: generation n is only ever appended by a writer that read n-1. From gen 0, or on meeting a
   * closed chain, the key is read afresh from its hint (another writer may have started its chain).
   */
  async readOn(key: string, from: LockHead): Promise<LockHead> {
    if (from.gen === 0) return this.head(key);
    return (await this.readChain(from)) ?? this.head(key);
  }

  /** Reads `from`'s chain on by `_id`; undefined when it meets the generation that closed the chain. */
  private async readChain(from: LockHead): Promise<LockHead | undefined> {
    let head = from;
    for (;;) {
      const next = await this.generations.findOne({ _id: chainLinkId(from.chain, head.gen + 1) });
      if (!next) return head;
      if (next.state === 'closed') return undefined;
      head = toHead(next, from.chain);
    }
  }

  /**
   * Appends generation `gen` after `after` in its chain: true when this call created it, false when another
   * writer did first (of any number of concurrent appends of one generation, exactly one returns true). The
   * first generation of a chain first inserts the key's hint naming that chain; when another chain's hint is
   * there, the append lost. Then moves the hint on.
   */
  async append(key: LockKey, gen: number, value: LockState, now: Date, after: LockHead): Promise<boolean> {
    const id = keyText(key);
    const chain = after.chain;
    if (gen === 1 && !(await this.hintNames(key, chain))) return false;
    const record: LockGenerationRecord = { _id: chainLinkId(chain, gen), key: id, ...chainFields(id, chain), gen, ...value, writtenAt: now };
    if (!(await insertUnlessExists(this.generations, record))) return false;
    // A hint only, moved only forward and only within its chain: losing this write (a crash, or a concurrent
    // writer's move landing last) just means readers read one more generation by `_id`.
    const move = hintMove(id, record);
    await this.heads
      .updateOne({ ...move.filter, ...chainCondition(id, chain) }, move.update)
      .catch((err: unknown) => this.logger.warn({ err, key: id }, 'lock head hint not updated'));
    return true;
  }

  /** Inserts the key's hint naming `chain` unless it has one: true when the key's hint names `chain`. */
  private async hintNames(key: LockKey, chain: string): Promise<boolean> {
    const id = keyText(key);
    if (await insertUnlessExists(this.heads, { _id: id, ...key, ...chainFields(id, chain), head: null })) return true;
    const hint = await this.heads.findOne({ _id: id });
    return hint !== null && chainOfHint(hint) === chain;
  }

  /**
   * The heads of every key (of one service / environment) in two queries whatever the number of keys: the
   * hints, then the generations' numbers. A hint that lags (a lost move) is read on by `_id`, which is
   * rare; a key being deleted is left out.
   */
  async headsOf(filter: { service?: string; environment?: number }): Promise<KeyHead[]> {
    const query: mongo.Filter<LockHeadRecord> = {};
    if (filter.service !== undefined) query.service = String(filter.service);
    if (filter.environment !== undefined) query.environment = Number(filter.environment);
    return this.resolve(await this.heads.find(query).toArray());
  }

  /**
   * The keys whose hint shows a lease of `caller` running at `now`: one query, with the hints as they are
   * (one may lag behind its key), or `exact`, with their true heads (one more, see `resolve`).
   */
  async heldBy(caller: string, now: Date, exact: boolean): Promise<KeyHead[]> {
    const query = { 'head.state': 'held', 'head.lock.caller': caller, 'head.lock.expiresAt': { $gt: now } } as mongo.Filter<LockHeadRecord>;
    const hints = await this.heads.find(query).toArray();
    return exact ? this.resolve(hints) : hints.map((hint) => ({ key: hint._id, head: startOf(hint) }));
  }

  /**
   * The true heads of keys whose hints were read: one find of every generation's chain and number (a plain
   * scan; an `_id` `$in` of one id per key costs the embedded store a comparison per id and document), then a
   * read by `_id` per hint that lags behind its chain's newest generation (a lost move: rare).
   */
  private async resolve(hints: LockHeadRecord[]): Promise<KeyHead[]> {
    if (hints.length === 0) return [];
    const newest = new Map<string, number>();
    for (const link of await this.generations.find({}, { projection: { key: 1, chain: 1, gen: 1 } }).toArray()) {
      const chain = link.chain ?? link.key;
      newest.set(chain, Math.max(newest.get(chain) ?? 0, link.gen));
    }
    const out: KeyHead[] = [];
    for (const hint of hints) {
      const start = startOf(hint);
      const head = (newest.get(start.chain) ?? 0) > start.gen ? await this.readChain(start) : start;
      if (head) out.push({ key: hint._id, head });
    }
    return out;
  }

  /** The hints that moved before `cutoff`: their keys' generations below them, or the idle keys, may go. */
  async settledHints(cutoff: Date): Promise<LockHeadRecord[]> {
    return this.heads.find({ movedAt: { $lt: cutoff } } as mongo.Filter<LockHeadRecord>).toArray();
  }

  /**
   * Deletes, in one delete whatever the number of keys, every generation below a settled hint. Readers start at
   * the hint, so none of them needs what goes. Returns how many went.
   */
  async pruneBelow(settled: LockHeadRecord[]): Promise<number> {
    const below = settled.flatMap((hint) => {
      const { chain, gen } = startOf(hint);
      return gen > 1 ? [{ key: hint._id, ...chainCondition(hint._id, chain), gen: { $lt: gen } }] : [];
    });
    if (below.length === 0) return 0;
    return (await this.generations.deleteMany({ $or: below })).deletedCount;
  }

  /**
   * Closes the chains of settled keys whose head is free (no lease, nothing changed since the hint settled) and
   * deletes their hints: one insertMany of a `closed` generation above each head, exclusive with any writer
   * appending there, then one delete of the hints of the chains this call closed (no other call deletes them).
   * A closing that lost its insert is looked at again only when the chain ends closed long ago (a sweep that
   * stopped between closing and deleting): that rare case appends one more `closed` generation, and its writer
   * deletes the hint. Returns how many keys went.
   */
  async deleteIdleKeys(settled: LockHeadRecord[], cutoff: Date, now: Date, limit: number): Promise<number> {
    const closings = settled
      .map((hint) => ({ key: hint._id, head: startOf(hint) }))
      .filter(({ head }) => head.gen > 0 && head.value.state === 'free')
      .slice(0, limit)
      .map(({ key, head }) => closingLink(key, head.chain, head.gen + 1, now));
    const won = await insertEachUnlessExists(this.generations, closings);
    const closed = closings.filter((_, i) => won[i]);
    for (const lost of closings.filter((_, i) => !won[i])) {
      const last = await this.lastLink(lost);
      if (last.state !== 'closed' || last.writtenAt >= cutoff) continue;
      const again = closingLink(lost.key, last.chain ?? lost.key, last.gen + 1, now);
      if (await insertUnlessExists(this.generations, again)) closed.push(again);
    }
    if (closed.length === 0) return 0;
    const hints = closed.map((c) => ({ _id: c.key, ...chainCondition(c.key, c.chain ?? c.key) }));
    return (await this.heads.deleteMany({ $or: hints })).deletedCount;
  }

  /** The newest stored generation of `from`'s chain, from `from` on. */
  private async lastLink(from: LockGenerationRecord): Promise<LockGenerationRecord> {
    let last = from;
    for (;;) {
      const next = await this.generations.findOne({ _id: chainLinkId(last.chain ?? last.key, last.gen + 1) });
      if (!next) return last;
      last = next;
    }
  }

  /**
   * Deletes the generations written before `cutoff` of every chain no hint names: chains closed at least the
   * grace ago (and whatever a writer that read one before it closed appended to it since). Two queries. The
   * hints are read first; a chain started after that has only generations written after `cutoff`.
   */
  async collectClosedChains(cutoff: Date): Promise<number> {
    const live = (await this.heads.find({}, { projection: { chain: 1 } }).toArray()).map(chainOfHint);
    const dead = { writtenAt: { $lt: cutoff }, $or: [{ chain: { $exists: true, $nin: live } }, { chain: { $exists: false }, key: { $nin: live } }] };
    return (await this.generations.deleteMany(dead)).deletedCount;
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
    const carried = await this.generations
      .find({}, { projection: { 'lock.lockId': 1, 'ended.lock.lockId': 1, 'queue.ticketId': 1 } })
      .toArray();
    // A waiting ticket's id is its lock's id to be: kept while a generation carries the ticket.
    const live = new Set(carried.flatMap((g) => [g.lock?.lockId, g.ended?.lock.lockId, ...(g.queue ?? []).map((t) => t.ticketId)]));
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
}
