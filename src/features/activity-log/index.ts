/**
 * The activity log's public surface: what other modules may import (dependency-cruiser keeps them to this file).
 * Notifications and banners are projections of its events; the live module logs each created event.
 */
export { ActivityLogModule } from './activity-log.module';
export { ActivityLogService } from './activity-log.service';
export { ActivityLogHooks, type ActivityEventsSweptHook } from './activity-log.hooks';
export { ActivityEventCreations } from './activity-event.creations';
export { toAstraEvent, INCLUDABLE, type AstraEvent } from './activity-event.mapper';
export { EVENTS_LIST_SPEC } from './activity-event.list-fields';
export type { ActivityEventRecord } from './data/activity-event.schema';
