import { ModelDefinition } from '@nestjs/mongoose';
import { Schema } from 'mongoose';

export const IDEMPOTENCY_KEY_MODEL = 'IdempotencyKey';

/**
 * One Idempotency-Key as used by one caller on one operation. `_id` is `<scope>|<key>`: the primary key is the
 * unique index, so the first insert wins under any concurrency, on MongoDB and FerretDB alike (and `_id`
 * lookups are the one query FerretDB's SQLite backend answers from an index).
 */
export interface IdempotencyKeyRecord {
  _id: string;
  requestHash: string;
  state: 'pending' | 'done';
  response?: { status: number; body: unknown; location?: string };
  createdAt: Date;
  /** Keys live 24 h; reads treat an expired key as absent, a sweeper deletes it. */
  expiresAt: Date;
  /** A pending key whose request died (crash) may be taken over after this. */
  lockedUntil: Date;
}

const schema = new Schema<IdempotencyKeyRecord>(
  {
    _id: { type: String, required: true },
    requestHash: { type: String, required: true },
    state: { type: String, required: true },
    response: { type: Schema.Types.Mixed },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    lockedUntil: { type: Date, required: true },
  },
  { collection: 'idempotency_keys', versionKey: false, strict: false },
);
// The sweeper: deleteMany({ expiresAt: { $lt: now } }).
schema.index({ expiresAt: 1 });

export const IdempotencyKeyModelDefinition: ModelDefinition = { name: IDEMPOTENCY_KEY_MODEL, schema };
