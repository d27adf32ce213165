import { Injectable } from '@nestjs/common';
import type { TrackerEventRecordView } from './data/tracker-event.repository';
import type { PlannedDeliveryRecord, TrackerEventRecord } from './data/tracker-event.schema';

/**
 * The seam through which another module plans deliveries into the SAME single-document write as a create or
 * an update of an event (the store has no transactions: a second write could be lost between the 2xx and a
 * crash). planOnCreate/planOnUpdate must be pure and fast. beforeWrite runs before the write is sent (which may
 * still fail or lose a race), so a planner can leave a marker that is never missing once the write is stored;
 * its errors fail the request.
 */
export interface DeliveryPlanner {
  /** Deliveries of a new event. */
  planOnCreate(record: TrackerEventRecord, now: Date): PlannedDeliveryRecord[];
  /** Deliveries an update triggers, given the stored event and the event as it will be stored. */
  planOnUpdate(current: TrackerEventRecordView, next: TrackerEventRecordView, now: Date): PlannedDeliveryRecord[];
  /** Called with the deliveries this planner planned, just before the write that stores them. */
  beforeWrite(eventId: string, planned: PlannedDeliveryRecord[]): Promise<void>;
}

/** Where other modules register delivery planners (inject it, call `register` in onModuleInit). */
@Injectable()
export class DeliveryPlanners {
  private readonly planners: DeliveryPlanner[] = [];

  register(planner: DeliveryPlanner): void {
    this.planners.push(planner);
  }

  planOnCreate(record: TrackerEventRecord, now: Date): PlannedDeliveryRecord[][] {
    return this.planners.map((p) => p.planOnCreate(record, now));
  }

  planOnUpdate(current: TrackerEventRecordView, next: TrackerEventRecordView, now: Date): PlannedDeliveryRecord[][] {
    return this.planners.map((p) => p.planOnUpdate(current, next, now));
  }

  async beforeWrite(eventId: string, planned: PlannedDeliveryRecord[][]): Promise<void> {
    await Promise.all(this.planners.map((p, i) => (planned[i]?.length ? p.beforeWrite(eventId, planned[i]) : Promise.resolve())));
  }
}
