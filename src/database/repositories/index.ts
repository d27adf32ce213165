import { Provider } from '@nestjs/common';
import { ActivityEventExpiryIndex, ActivityEventRepository } from './activity-event.repository';
import { DeliveryClaimRepository, DeliveryProgressRepository, NotificationDueRepository } from './delivery-claim.repository';
import { IdempotencyKeyRepository } from './idempotency-key.repository';
import { TrackerEventRepository } from './tracker-event.repository';
import { BannerDismissalRepository, NotificationReadMarkRepository } from './notification-user-state.repository';

/** Every repository; the only classes that touch a Model. */
export const REPOSITORIES: Provider[] = [IdempotencyKeyRepository, TrackerEventRepository, ActivityEventRepository, ActivityEventExpiryIndex, DeliveryClaimRepository, NotificationDueRepository, DeliveryProgressRepository, NotificationReadMarkRepository, BannerDismissalRepository];
