import { ModelDefinition, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

export const CODE_CHANGE_MODEL = 'Change';
export const CODE_CHANGES_COLLECTION = 'changes';

/**
 * Code that reached the main line of a service (docs/code-changes.md). `_id` is a digest of the change's identity
 * (service + commit sha, else service + pull request link; see domain/change-record.ts), so a repeat of the
 * same change, from any instance, collides on the unique `_id` instead of being stored twice. Written once,
 * never updated.
 */
@Schema({ collection: CODE_CHANGES_COLLECTION, versionKey: false })
export class CodeChangeRecord {
  @Prop({ type: String }) _id: string;
  @Prop({ type: String }) service: string;
  /** Lower-case hex. */
  @Prop({ type: String }) sha?: string;
  @Prop({ type: String }) pullRequestLink?: string;
  @Prop({ type: String }) title?: string;
  @Prop({ type: Date }) mergedAt?: Date;
  @Prop({ type: Date }) committedAt?: Date;
  /** mergedAt, else committedAt: the time lists filter and sort on and lead time measures from. */
  @Prop({ type: Date }) changedAt: Date;
  /** Who recorded it: `rest`, `grpc`, or an intake (`github`, `cdevents`). */
  @Prop({ type: String }) source: string;
  @Prop({ type: Date }) createdAt: Date;
}

export const CodeChangeSchema = SchemaFactory.createForClass(CodeChangeRecord);

// GET /changes (no service) and listChangedBetween without a service: the changedAt window, newest first.
CodeChangeSchema.index({ changedAt: -1, _id: -1 });
// GET /changes?service= and listChangedBetween for one service.
CodeChangeSchema.index({ service: 1, changedAt: -1 });
// create: an existing change of the service with the same sha or pull request link (the other identity key).
CodeChangeSchema.index({ service: 1, sha: 1 });
CodeChangeSchema.index({ service: 1, pullRequestLink: 1 });

export const CodeChangeModelDefinition: ModelDefinition = { name: CODE_CHANGE_MODEL, schema: CodeChangeSchema };
