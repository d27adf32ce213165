import { Types } from 'mongoose';
import type { TrackerEventRecordView } from '../../src/features/tracker-events/data/tracker-event.repository';
import type { TrackerEventsService } from '../../src/features/tracker-events/tracker-events.service';
import { stubOf } from './controller-app';

/** The smallest valid tracker event create body. */
export const VALID_TRACKER_EVENT: Record<string, unknown> = { title: 'Deploy x', attributes: { type: 1, service: 'svc' } };

/** Deep-merges `patch` into a copy of `base` (the valid body); `undefined` removes a key. */
export function patchedTrackerEvent(
  patch: Record<string, unknown>,
  base: Record<string, unknown> = VALID_TRACKER_EVENT,
): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(base);
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete out[k];
    else if (v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object') {
      out[k] = patchedTrackerEvent(v as Record<string, unknown>, out[k] as Record<string, unknown>);
    } else out[k] = v;
  }
  return out;
}

/** The id of the event the stubbed service answers with. */
export const TRACKER_EVENT_ID = '65a0f0c2e4b0a1b2c3d4e5f6';
export const TRACKER_EVENT_STATS = { total: 0, byType: [], byStatus: [], byEnvironment: [], byPriority: [], byMonth: [] };

function storedEvent(): TrackerEventRecordView {
  const at = new Date('2024-01-15T10:00:00Z');
  return {
    _id: new Types.ObjectId(TRACKER_EVENT_ID),
    title: 'Deploy x',
    attributes: { type: 1, service: 'svc' },
    links: {},
    metadata: { createdAt: at, updatedAt: at },
    eventAt: at,
    yearMonth: '2024-01',
    day: '2024-01-15',
    rev: 0,
  };
}

/** TrackerEventsService for controller specs: every method answers as if the one stored event were found. */
export function trackerEventsStub() {
  const stub = stubOf<
    TrackerEventsService,
    'create' | 'update' | 'get' | 'delete' | 'changelog' | 'list' | 'search' | 'today' | 'stats' | 'monthly'
  >('create', 'update', 'get', 'delete', 'changelog', 'list', 'search', 'today', 'stats', 'monthly');
  const page = { items: [storedEvent()], total: 1, page: 1, perPage: 20 };
  stub.create.mockResolvedValue(storedEvent());
  stub.update.mockResolvedValue(storedEvent());
  stub.get.mockResolvedValue({ event: storedEvent(), related: null });
  stub.delete.mockResolvedValue({ id: TRACKER_EVENT_ID });
  stub.changelog.mockResolvedValue([]);
  stub.list.mockResolvedValue(page);
  stub.search.mockResolvedValue(page);
  stub.today.mockResolvedValue(page);
  stub.stats.mockResolvedValue(TRACKER_EVENT_STATS);
  stub.monthly.mockResolvedValue({ total: 0, byMonth: [] });
  return stub;
}
