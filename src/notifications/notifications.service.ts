import { Injectable, OnModuleInit } from '@nestjs/common';
import { Types } from 'mongoose';
import { NotFoundError } from '../common/errors/domain-errors';
import { DeliveryProgressRepository, NotificationDueRepository } from '../database/repositories/delivery-claim.repository';
import { TrackerEventRecordView, TrackerEventRepository } from '../database/repositories/tracker-event.repository';
import type { TrackerEventRecord } from '../database/schemas/tracker-event.schema';
import { TrackerEventWriteHook, TrackerEventWriteHooks } from '../tracker-events/tracker-event-write.hooks';
import { ChannelRegistry } from './channels/channel-registry';
import { DeliveryProgress, DeliveryRecord, deliveriesOf, nextDueAt, planDeliveries, withProgress } from './delivery/delivery-record';

/**
 * Tracker event notifications: plans the deliveries of a create or a status change into the event's own
 * write (through TrackerEventWriteHooks), and reads them back with their progress. The dispatcher sends.
 */
@Injectable()
export class NotificationsService implements OnModuleInit, TrackerEventWriteHook {
  constructor(
    private readonly hooks: TrackerEventWriteHooks,
    private readonly channels: ChannelRegistry,
    private readonly events: TrackerEventRepository,
    private readonly due: NotificationDueRepository,
    private readonly progress: DeliveryProgressRepository,
  ) {}

  onModuleInit(): void {
    this.hooks.register(this);
  }

  onCreate(record: TrackerEventRecord, now: Date): Record<string, unknown> {
    const planned = planDeliveries(record, now, (c) => this.channels.isConfigured(c));
    return planned.length ? { deliveries: planned } : {};
  }

  onUpdate(current: TrackerEventRecordView, next: TrackerEventRecordView, now: Date): Record<string, unknown> {
    const before = current.attributes?.status;
    if (next.attributes?.status === undefined || next.attributes.status === before) return {};
    const planned = planDeliveries(next, now, (c) => this.channels.isConfigured(c), { previousStatus: before });
    return planned.length ? { deliveries: [...deliveriesOf(current), ...planned] } : {};
  }

  /** Tells the dispatchers (all instances) that the event will have work due; written before the event. */
  async beforeWrite(eventId: string, added: Record<string, unknown>): Promise<void> {
    const due = nextDueAt((added.deliveries as DeliveryRecord[] | undefined) ?? []);
    if (due) await this.due.add(eventId, due);
  }

  async deliveries(idText: string): Promise<DeliveryRecord[]> {
    const event = await this.events.findById(new Types.ObjectId(idText));
    if (!event) throw new NotFoundError(`Event ${idText} not found.`);
    return this.withProgress(deliveriesOf(event));
  }

  /** The planned deliveries with their recorded attempts (the dispatcher reads them the same way). */
  async withProgress(planned: DeliveryRecord[]): Promise<DeliveryRecord[]> {
    const rows = await this.progress.forKeys(planned.map((d) => d.dedupKey));
    return withProgress(planned, new Map(rows.map((r) => [r._id, r as unknown as DeliveryProgress])));
  }
}
