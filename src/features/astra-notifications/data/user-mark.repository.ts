import type { Model, mongo } from 'mongoose';
import type { AccountScope } from '../../../auth/account-scope';
import type { UserMarkRecord } from './notification-user-state.schema';
import { nativeCollection } from '../../../platform/database/native-collection';
import { insertUnlessExists } from '../../../platform/database/unique-insert';

/**
 * Per-user marks on event-derived resources (read notifications, dismissed banners): what both mark
 * repositories share. A mark is always the scope's own user's: a caller can neither write nor read another
 * user's marks. The cascade deletes by event, for every user, and runs with the sweeper's system scope.
 */
export abstract class UserMarkRepository<R extends UserMarkRecord> {
  private readonly marks: mongo.Collection<UserMarkRecord>;

  /** `model`: the subclass's, read here as marks (the fields every mark has). */
  protected constructor(model: Model<UserMarkRecord>) {
    this.marks = nativeCollection(model);
  }

  protected key(scope: AccountScope, resourceId: string): string {
    return `${scope.accountId}|${scope.userId}|${resourceId}`;
  }

  /** Inserts the mark; false when it already existed (a repeated or concurrent call: nothing changes). */
  protected insertMark(record: R): Promise<boolean> {
    return insertUnlessExists(this.marks, record);
  }

  async exists(scope: AccountScope, resourceId: string): Promise<boolean> {
    return (await this.marks.countDocuments({ _id: this.key(scope, resourceId) }, { limit: 1 })) > 0;
  }

  /** The event ids the scope's user has marked. */
  async markedEventIds(scope: AccountScope): Promise<string[]> {
    const rows = await this.marks.find({ accountID: scope.accountId, userID: scope.userId }, { projection: { _id: 0, eventID: 1 } }).toArray();
    return rows.map((r) => r.eventID);
  }

  /** Every user's marks of these events (the ttl cascade); idempotent. */
  async deleteForEvents(scope: AccountScope, eventIds: string[]): Promise<number> {
    if (eventIds.length === 0) return 0;
    const res = await this.marks.deleteMany({ accountID: scope.accountId, eventID: { $in: eventIds } });
    return res.deletedCount;
  }
}
