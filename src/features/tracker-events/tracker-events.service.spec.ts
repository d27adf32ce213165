import { Types } from 'mongoose';
import { NotFoundError } from '../../platform/errors/domain-errors';
import type { TrackerEventDeletionRepository } from './data/tracker-event-deletion.repository';
import type { TrackerEventRepository } from './data/tracker-event.repository';
import type { DeliveryPlanners } from './delivery-planners';
import { EventMutationListeners } from './event-mutation-listeners';
import type { EventWriteHooks } from './event-write-hooks';
import { TrackerEventsService } from './tracker-events.service';

const ID = '65a5f0c2e4b0a1b2c3d4e5f6';

/** The service over fakes that write down, in order, every step a delete takes. */
function setup(options: { stored?: boolean; absent?: boolean; listenerFails?: boolean } = {}) {
  const steps: string[] = [];
  const intent = new Types.ObjectId();
  const deletions = {
    record: jest.fn(async (event: Types.ObjectId) => (steps.push(`record intent ${event.toHexString()}`), intent)),
    withdraw: jest.fn(async (ids: Types.ObjectId[]) => void steps.push(`withdraw ${ids.map((i) => i.toHexString()).join(',')}`)),
  };
  const events = {
    findById: jest.fn(async (id: Types.ObjectId) => (steps.push('read event'), options.absent ? null : { _id: id })),
    delete: jest.fn(async () => (steps.push('remove event'), options.stored ?? true)),
  };
  const hooks = { afterDelete: jest.fn(async () => void steps.push('hooks after delete')) };
  const listeners = new EventMutationListeners();
  listeners.register({
    mutationStored: async (change) => {
      steps.push(`log ${change.kind} ${change.id}`);
      if (options.listenerFails) throw new Error('append failed');
    },
  });
  const service = new TrackerEventsService(
    events as unknown as TrackerEventRepository,
    deletions as unknown as TrackerEventDeletionRepository,
    {} as DeliveryPlanners,
    hooks as unknown as EventWriteHooks,
    listeners,
  );
  return { service, steps, intent: intent.toHexString() };
}

describe('TrackerEventsService.delete: the deletion is on record before the event is removed', () => {
  it('records the intent, removes the event, logs the change, then withdraws the intent', async () => {
    const { service, steps, intent } = setup();
    await expect(service.delete(ID)).resolves.toEqual({ id: ID });
    expect(steps).toEqual([
      'read event',
      `record intent ${ID}`,
      'remove event',
      `log deleted ${ID}`,
      `withdraw ${intent}`,
      'hooks after delete',
    ]);
  });

  it('keeps the intent when the change could not be logged (the recovery logs it from there)', async () => {
    const { service, steps } = setup({ listenerFails: true });
    await expect(service.delete(ID)).resolves.toEqual({ id: ID });
    expect(steps).toEqual(['read event', `record intent ${ID}`, 'remove event', `log deleted ${ID}`, 'hooks after delete']);
  });

  it('withdraws its own intent and logs nothing when the event went between the read and the delete', async () => {
    const { service, steps, intent } = setup({ stored: false });
    await expect(service.delete(ID)).rejects.toBeInstanceOf(NotFoundError);
    expect(steps).toEqual(['read event', `record intent ${ID}`, 'remove event', `withdraw ${intent}`]);
  });

  it('records nothing for an event that is not there', async () => {
    const { service, steps } = setup({ absent: true });
    await expect(service.delete(ID)).rejects.toBeInstanceOf(NotFoundError);
    expect(steps).toEqual(['read event']);
  });
});
