import { ModelDefinition } from '@nestjs/mongoose';
import { ActivityEventModelDefinition, ActivitySequenceFloorModelDefinition } from './activity-event.schema';
import { DeliveryClaimModelDefinition, DeliveryProgressModelDefinition, NotificationDueModelDefinition } from './delivery-claim.schema';
import { IdempotencyKeyModelDefinition } from './idempotency-key.schema';
import { TrackerEventModelDefinition } from './tracker-event.schema';
import { BannerDismissalModelDefinition, NotificationReadMarkModelDefinition } from './notification-user-state.schema';

/** Every collection's schema; each feature adds its own definitions here. */
export const SCHEMAS: ModelDefinition[] = [IdempotencyKeyModelDefinition, TrackerEventModelDefinition, ActivityEventModelDefinition, ActivitySequenceFloorModelDefinition, DeliveryClaimModelDefinition, NotificationDueModelDefinition, DeliveryProgressModelDefinition, NotificationReadMarkModelDefinition, BannerDismissalModelDefinition];
