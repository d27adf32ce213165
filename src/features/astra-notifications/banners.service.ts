import { Injectable } from '@nestjs/common';
import { parseListQuery } from '../../astra/list-query';
import type { ListResponse } from '../../astra/list-response';
import type { AccountScope } from '../../auth/account-scope';
import { isAstraIdentifier } from '../../auth/identifiers';
import { DomainError, ForbiddenError, NotFoundError } from '../../platform/errors/domain-errors';
import { ActivityLogService } from '../activity-log';
import { BannerDismissalRepository } from './data/banner-dismissal.repository';
import type { ActivityEventRecord } from '../activity-log';
import { BANNER_VERSION, BANNERS_LIST_SPEC, BANNERS_LIST_TYPE, toAstraBanner } from './astra-notifications.mapper';
import { listEnvelope, toEventListQuery } from './derived-list';
import { bannerIdOf, eventIdOfBanner } from './notification-ids';
import { requireOwnUser } from './user-path';

/**
 * How many banner events of an account one list looks at to find the cleared ones. Banners are the few
 * account-wide conditions the UI shows at the top; more than this many live ones is a producer bug.
 */
const MAX_BANNER_CANDIDATES = 5000;

/**
 * Banners (our extension; docs/astra-extensions.md): events with the `banner` destination, active until they
 * expire (ttl) or are cleared (ActivityLogService.clearedIds: a later `cleared` event with the same summary
 * and correlationID), readable with the caller's visibility. A user may dismiss an acknowledgeable one for
 * themselves; it then leaves their own list (GET .../users/{user_id}/banners) only.
 */
@Injectable()
export class BannersService {
  constructor(
    private readonly activity: ActivityLogService,
    private readonly dismissals: BannerDismissalRepository,
  ) {}

  /** The account's active banners the caller may read; with `userId`, minus those that user dismissed. */
  async list(scope: AccountScope, rawQuery: Record<string, unknown>, userId?: string): Promise<ListResponse> {
    if (userId !== undefined) requireOwnUser(scope, userId);
    const q = parseListQuery(rawQuery, BANNERS_LIST_SPEC);
    const now = new Date();
    const hidden = [
      ...(await this.clearedBannerEventIds(scope, now)),
      ...(userId !== undefined ? await this.dismissals.markedEventIds(scope) : []),
    ];
    const events = toEventListQuery(q, { id: eventIdOfBanner });
    const { rows, total } = await this.activity.listWithDestination(scope, 'banner', events, BANNERS_LIST_SPEC, {
      excludeEventIds: hidden,
      now,
    });
    return listEnvelope(rows, toAstraBanner, q, BANNERS_LIST_SPEC, { type: BANNERS_LIST_TYPE, version: BANNER_VERSION, total });
  }

  /**
   * Dismisses an active banner for the caller: 204 when `data.isAcknowledgeable` is "true"; 403 problems/11
   * when it is not (the producer said it must stay: a permission, not a state conflict); 404 problems/1 when
   * the caller cannot see an active banner with this id, including one they already dismissed.
   */
  async dismiss(scope: AccountScope, userId: string, bannerId: string): Promise<void> {
    requireOwnUser(scope, userId);
    if (!isAstraIdentifier(bannerId))
      throw new DomainError('invalid-resource-id', `Banner id '${String(bannerId)}' is not a lowercase UUID.`);
    const now = new Date();
    const eventId = eventIdOfBanner(bannerId);
    const record = eventId ? await this.activity.findReadableRecord(scope, eventId, now) : null;
    if (!record || !(await this.isActive(scope, record)))
      throw new NotFoundError(`Banner ${bannerId} was not found in account ${scope.accountId}.`);
    if (record.data?.isAcknowledgeable !== 'true') {
      throw new ForbiddenError(`Banner ${bannerId} cannot be dismissed: its data.isAcknowledgeable is not "true".`);
    }
    if (!(await this.dismissals.dismiss(scope, bannerIdOf(record._id), record._id, now))) {
      throw new NotFoundError(`Banner ${bannerId} was already dismissed by user ${scope.userId}.`);
    }
  }

  private async isActive(scope: AccountScope, record: ActivityEventRecord): Promise<boolean> {
    if (!record.destinations?.includes('banner') || record.severity === 'cleared') return false;
    return !(await this.activity.isCleared(scope, { ...record, id: record._id }));
  }

  /** The caller-readable banner events of the account that a later `cleared` event has cleared. */
  private async clearedBannerEventIds(scope: AccountScope, now: Date): Promise<string[]> {
    const candidates = await this.activity.findWithDestination(scope, 'banner', { limit: MAX_BANNER_CANDIDATES, now });
    const cleared = await this.activity.clearedIds(
      scope,
      candidates.map((r) => ({ ...r, id: r._id })),
    );
    return [...cleared];
  }
}
