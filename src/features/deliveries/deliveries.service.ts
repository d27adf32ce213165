import { Injectable, OnModuleInit } from '@nestjs/common';
import { NotFoundError } from '../../platform/errors/domain-errors';
import { DeliveryProgressRepository } from './data/delivery-progress.repository';
import { NotificationDueRepository } from './data/notification-due.repository';
import type { TrackerEventRecordView } from '../tracker-events';
import { TrackerEventsService } from '../tracker-events';
import type { PlannedDeliveryRecord, TrackerEventRecord } from '../tracker-events';
import { DeliveryPlanner, DeliveryPlanners } from '../tracker-events';
import { ChannelRegistry } from './channels/channel-registry';
import { DeliveryProgress, DeliveryRecord, nextDueAt, planDeliveries, withProgress } from './delivery/delivery-record';

/**
 * Tracker event notifications: plans the deliveries of a create or a status change into the event's own
 * write (through DeliveryPlanners), and reads them back with their progress. The dispatcher sends.
 */
@Injectable()
export class DeliveriesService implements OnModuleInit, DeliveryPlanner {
  constructor(
    private readonly planners: DeliveryPlanners,
    private readonly channels: ChannelRegistry,
    private readonly events: TrackerEventsService,
    private readonly due: NotificationDueRepository,
    private readonly progress: DeliveryProgressRepository,
  ) {}

  onModuleInit(): void {
    this.planners.register(this);
  }

  planOnCreate(record: TrackerEventRecord, now: Date): PlannedDeliveryRecord[] {
    return planDeliveries(record, now, (c) => this.channels.isConfigured(c));
  }

  planOnUpdate(current: TrackerEventRecordView, next: TrackerEventRecordView, now: Date): PlannedDeliveryRecord[] {
    const before = current.attributes?.status;
    if (next.attributes?.status === undefined || next.attributes.status === before) return [];
    return planDeliveries(next, now, (c) => this.channels.isConfigured(c), { previousStatus: before });
  }

  /** Tells the dispatchers (all instances) that the event will have work due; written before the event. */
  async beforeWrite(eventId: string, planned: PlannedDeliveryRecord[]): Promise<void> {
    const due = nextDueAt(planned);
    if (due) await this.due.add(eventId, due);
  }

  async deliveries(idText: string): Promise<DeliveryRecord[]> {
    const event = await this.events.findRecord(idText);
    if (!event) throw new NotFoundError(`Event ${idText} not found.`);
    return this.withProgress(event.deliveries ?? []);
  }

  /** The planned deliveries with their recorded attempts (the dispatcher reads them the same way). */
  async withProgress(planned: DeliveryRecord[]): Promise<DeliveryRecord[]> {
    const rows = await this.progress.forKeys(planned.map((d) => d.dedupKey));
    return withProgress(planned, new Map(rows.map((r) => [r._id, r as unknown as DeliveryProgress])));
  }
}
