import { Injectable, OnModuleInit } from '@nestjs/common';
import { Types } from 'mongoose';
import { NotFoundError } from '../common/errors/domain-errors';
import { NotificationDueRepository } from '../database/repositories/delivery-claim.repository';
import { TrackerEventRecordView, TrackerEventRepository } from '../database/repositories/tracker-event.repository';
import type { TrackerEventRecord } from '../database/schemas/tracker-event.schema';
import { TrackerEventWriteHook, TrackerEventWriteHooks } from '../tracker-events/tracker-event-write.hooks';
import { ChannelRegistry } from './channels/channel-registry';
import { DeliveryRecord, deliveriesOf, nextDueAt, planDeliveries } from './delivery/delivery-record';

/**
 * Tracker event notifications: plans the deliveries of a create or a status change into the event's own
 * write (through TrackerEventWriteHooks), and reads them back. The dispatcher does the sending.
 */
@Injectable()
export class NotificationsService implements OnModuleInit, TrackerEventWriteHook {
  constructor(
    private readonly hooks: TrackerEventWriteHooks,
    private readonly channels: ChannelRegistry,
    private readonly events: TrackerEventRepository,
    private readonly due: NotificationDueRepository,
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

  /** Tells the dispatchers (all instances) that the event has work due; lost hints are rebuilt by recovery. */
  async afterWrite(eventId: string, added: Record<string, unknown>): Promise<void> {
    const due = nextDueAt((added.deliveries as DeliveryRecord[] | undefined) ?? []);
    if (due) await this.due.set(eventId, due);
  }

  async deliveries(idText: string): Promise<DeliveryRecord[]> {
    const event = await this.events.findById(new Types.ObjectId(idText));
    if (!event) throw new NotFoundError(`Event ${idText} not found.`);
    return deliveriesOf(event);
  }
}
