/**
 * Tracker events' public surface: what other modules may import (dependency-cruiser keeps them to this file).
 * The service and the seams other modules hook into (write hooks, delivery planners, change listeners), the
 * record shapes those seams hand over, the bodies intake creates events with, and the paging bounds (the event
 * enumerations themselves are the API's vocabulary: src/contract/enums.ts).
 */
export { TrackerEventsModule } from './tracker-events.module';
export { TrackerEventsService, type PendingDeletion } from './tracker-events.service';
export { EventWriteHooks, newWriteContext, type EventWriteContext, type EventWriteHook } from './event-write-hooks';
export { DeliveryPlanners, type DeliveryPlanner } from './delivery-planners';
export { EventMutationListeners, type EventMutationListener, type TrackerEventMutation } from './event-mutation-listeners';
export { toEventResponse } from './tracker-events.mapper';
export { CreateEventDto, EventIdDto, UpdateEventDto } from './dto/event-body.dto';
export type { IncidentEventRow, TrackerEventRecordView } from './data/tracker-event.repository';
export type {
  ChangelogRecord,
  PlannedDeliveryRecord,
  TrackerEventIntakeRecord,
  TrackerEventMutationRecord,
  TrackerEventRecord,
} from './data/tracker-event.schema';
export { DEFAULT_PER_PAGE, MAX_PER_PAGE, NOTIFICATION_CHANNELS } from './domain/event-enums';
