import { ModelDefinition } from '@nestjs/mongoose';
import { Schema } from 'mongoose';
import type { HeldLock, LockEnd } from '../domain/lock-rules';

export const LOCK_GENERATION_MODEL = 'LockGeneration';
export const LOCK_HEAD_MODEL = 'LockHead';
export const LOCK_ID_MODEL = 'LockId';

/**
 * One generation of one key's chain (docs/locks.md). `_id` is `<key>#<gen>`: of all writers appending
 * generation n, the unique primary key lets exactly one in, on MongoDB and FerretDB alike. Written once and
 * never updated, so whatever a writer read about generation n-1 stays true while n does not exist. Generations
 * below a head hint that moved more than the grace ago are deleted (`LockRepository.prune`).
 */
export interface LockGenerationRecord {
  _id: string;
  /** The key: JSON of [service, environment, resource]. */
  key: string;
  gen: number;
  state: 'held' | 'free';
  /** Held: the acquisition (renewals copy it with a new lease). */
  lock?: HeldLock;
  /** Free: how the previous holder's lock ended, when it was held. */
  ended?: { lock: HeldLock; how: LockEnd; by?: string };
  writtenAt: Date;
}

/**
 * One per key: where reads of the chain start, and how lists find keys. `head` is a copy of a generation a
 * writer appended, moved only forward (`movedAt`: when); it may lag behind (a lost update), never run ahead, so
 * readers always read on from it by `_id` until a generation is missing. Generations below it are the ones the
 * prune sweep deletes. Inserted before the key's first generation, so a list never misses a key that has one.
 */
export interface LockHeadRecord {
  _id: string;
  service: string;
  environment: number;
  resource: string;
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
    gen: { type: Number, required: true },
    state: { type: String, required: true },
    lock: Schema.Types.Mixed,
    ended: Schema.Types.Mixed,
    writtenAt: { type: Date, required: true },
  },
  { collection: 'lock_generations', versionKey: false },
);
// The prune sweep: deleteMany({ $or: [{ key, gen: { $lt: hint } }, ...] }).
generationSchema.index({ key: 1, gen: 1 });

const headSchema = new Schema<LockHeadRecord>(
  {
    _id: { type: String, required: true },
    service: { type: String, required: true },
    environment: { type: Number, required: true },
    resource: { type: String, required: true },
    head: Schema.Types.Mixed,
    movedAt: Date,
  },
  { collection: 'lock_heads', versionKey: false },
);
// GET /locks?service=&environment=: the keys of one service (and environment).
headSchema.index({ service: 1, environment: 1 });
// The prune sweep: find({ movedAt: { $lt: cutoff } }).
headSchema.index({ movedAt: 1 });

const idSchema = new Schema<LockIdRecord>(
  { _id: { type: String, required: true }, key: { type: String, required: true }, createdAt: { type: Date, required: true } },
  { collection: 'lock_ids', versionKey: false },
);

export const LockModelDefinitions: ModelDefinition[] = [
  { name: LOCK_GENERATION_MODEL, schema: generationSchema },
  { name: LOCK_HEAD_MODEL, schema: headSchema },
  { name: LOCK_ID_MODEL, schema: idSchema },
];
