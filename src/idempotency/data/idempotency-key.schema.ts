import { ModelDefinition, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SchemaTypes } from 'mongoose';

export const IDEMPOTENCY_KEY_MODEL = 'IdempotencyKey';

/**
 * One Idempotency-Key as used by one caller on one operation. `_id` is `<scope>|<key>`: the primary key is the
 * unique index, so the first insert wins under any concurrency, on MongoDB and FerretDB alike (and `_id`
 * lookups are the one query FerretDB's SQLite backend answers from an index).
 */
@Schema({ collection: 'idempotency_keys', versionKey: false })
export class IdempotencyKeyRecord {
  @Prop({ type: String }) _id: string;
  @Prop({ type: String }) requestHash: string;
  @Prop({ type: String }) state: 'pending' | 'done';
  /** The response replayed to a repeat of the request (status, body, Location header). */
  @Prop({ type: SchemaTypes.Mixed }) response?: { status: number; body: unknown; location?: string };
  @Prop({ type: Date }) createdAt: Date;
  /** Keys live 24 h; reads treat an expired key as absent, a sweeper deletes it. */
  @Prop({ type: Date }) expiresAt: Date;
  /** A pending key whose request died (crash) may be taken over after this. */
  @Prop({ type: Date }) lockedUntil: Date;
}

const schema = SchemaFactory.createForClass(IdempotencyKeyRecord);
// The sweeper: deleteMany({ expiresAt: { $lt: now } }).
schema.index({ expiresAt: 1 });

export const IdempotencyKeyModelDefinition: ModelDefinition = { name: IDEMPOTENCY_KEY_MODEL, schema };
