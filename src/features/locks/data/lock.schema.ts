import { ModelDefinition } from '@nestjs/mongoose';
import { Schema } from 'mongoose';
import type { HeldLock, LockEnd, Ticket } from '../domain/lock-rules';

export const LOCK_GENERATION_MODEL = 'LockGeneration';
export const LOCK_HEAD_MODEL = 'LockHead';
export const LOCK_ID_MODEL = 'LockId';
export const LOCK_CALLER_MODEL = 'LockCaller';

/**
 * One generation of one chain of a key (docs/locks.md). `_id` is `<chain>#<gen>`: of all writers appending
 * generation n, the unique primary key lets exactly one in, on MongoDB and FerretDB alike. Written once and
 * never updated, so whatever a writer read about generation n-1 stays true while n does not exist. Generations
 * below a head hint that moved more than the grace ago are deleted (`LockRepository.prune`), and so are all
 * the generations of a chain closed more than the grace ago (`LockRepository.collectClosedChains`).
 */
export interface LockGenerationRecord {
  _id: string;
  /** The key: JSON of [service, environment, resource]. */
  key: string;
  /**
   * The chain: `<key>@<random>`, a new one each time a key is used again after it was deleted. Absent on the
   * chain of a key first used by an earlier version, whose chain is the key itself.
   */
  chain?: string;
  gen: number;
  /** `closed`: the key was idle and is being deleted; nothing is appended after it (docs/locks.md, "Deleting idle keys"). */
  state: 'held' | 'free' | 'closed';
  /** Held: the acquisition (renewals copy it with a new lease). */
  lock?: HeldLock;
  /** Free: how the previous holder's lock ended, when it was held. */
  ended?: { lock: HeldLock; how: LockEnd; by?: string };
  /** The line of waiters after this change, oldest first (docs/locks.md, "Queue"); absent: nobody waits. */
  queue?: Ticket[];
  writtenAt: Date;
}

/**
 * One per key in use: which chain is the key's, where reads of it start, and how lists find keys. `head` is a
 * copy of a generation a writer appended, moved only forward (`movedAt`: when); it may lag behind (a lost
 * update), never run ahead, so readers always read on from it by `_id` until a generation is missing.
 * Generations below it are the ones the prune sweep deletes. Inserted before the chain's first generation, so
 * a list never misses a key that has one; deleted by the sweep that closed the chain, and only by it.
 */
export interface LockHeadRecord {
  _id: string;
  service: string;
  environment: number;
  resource: string;
  /** The key's chain (absent: the chain is the key itself, a key first used by an earlier version). */
  chain?: string;
  head: LockGenerationRecord | null;
  /** When `head` was last moved (absent until the first generation, and on hints of earlier versions). */
  movedAt?: Date;
}

/** Lock id (one per acquisition) -> key, inserted before the acquisition's generation: GET /locks/{id} reads by `_id`. */
export interface LockIdRecord {
  _id: string;
  key: string;
  createdAt: Date;
}

const generationSchema = new Schema<LockGenerationRecord>(
  {
    _id: { type: String, required: true },
    key: { type: String, required: true },
    chain: String,
    gen: { type: Number, required: true },
    state: { type: String, required: true },
    lock: Schema.Types.Mixed,
    ended: Schema.Types.Mixed,
    queue: Schema.Types.Mixed,
    writtenAt: { type: Date, required: true },
  },
  { collection: 'lock_generations', versionKey: false },
);
// The prune sweep: deleteMany({ $or: [{ chain, gen: { $lt: hint } }, ...] }) (and `key` for the chains of earlier versions).
generationSchema.index({ chain: 1, gen: 1 });
generationSchema.index({ key: 1, gen: 1 });
// The sweep deleting closed chains: deleteMany({ writtenAt: { $lt: cutoff }, chain: { $nin: [...] } }).
generationSchema.index({ writtenAt: 1 });

const headSchema = new Schema<LockHeadRecord>(
  {
    _id: { type: String, required: true },
    service: { type: String, required: true },
    environment: { type: Number, required: true },
    resource: { type: String, required: true },
    chain: String,
    head: Schema.Types.Mixed,
    movedAt: Date,
  },
  { collection: 'lock_heads', versionKey: false },
);
// GET /locks?service=&environment=: the keys of one service (and environment).
headSchema.index({ service: 1, environment: 1 });
// The prune sweep: find({ movedAt: { $lt: cutoff } }).
headSchema.index({ movedAt: 1 });
// The per-caller quota: find({ 'head.lock.caller': caller, 'head.state': 'held', 'head.lock.expiresAt': { $gt: now } }).
headSchema.index({ 'head.lock.caller': 1 });

const idSchema = new Schema<LockIdRecord>(
  { _id: { type: String, required: true }, key: { type: String, required: true }, createdAt: { type: Date, required: true } },
  { collection: 'lock_ids', versionKey: false },
);

/**
 * The locks one caller acquired through one instance (`_id` = `<instance>|<caller>`; only that instance writes
 * it, one acquisition at a time, so no update is lost): what the per-caller quota counts without reading every
 * key (LockQuota). Ids stay until a count at the quota finds them no longer active.
 */
export interface LockCallerRecord {
  _id: string;
  caller: string;
  lockIds: string[];
  updatedAt: Date;
}

const callerSchema = new Schema<LockCallerRecord>(
  {
    _id: { type: String, required: true },
    caller: { type: String, required: true },
    lockIds: [String],
    updatedAt: { type: Date, required: true },
  },
  { collection: 'lock_callers', versionKey: false },
);
// The quota count: find({ caller }) (one document per instance the caller used).
callerSchema.index({ caller: 1 });
// The prune sweep: deleteMany({ updatedAt: { $lt: cutoff } }).
callerSchema.index({ updatedAt: 1 });

export const LockModelDefinitions: ModelDefinition[] = [
  { name: LOCK_GENERATION_MODEL, schema: generationSchema },
  { name: LOCK_HEAD_MODEL, schema: headSchema },
  { name: LOCK_ID_MODEL, schema: idSchema },
  { name: LOCK_CALLER_MODEL, schema: callerSchema },
];
