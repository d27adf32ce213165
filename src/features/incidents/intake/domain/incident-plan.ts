import type { Types } from 'mongoose';
import type { CreateEventDto, TrackerEventIntakeRecord, TrackerEventRecordView, UpdateEventDto } from '../../../tracker-events';

/** Where an incident came from: `attributes.source` of its tracker event (the incidents read side shows it). */
export type IncidentSource = 'pagerduty' | 'alertmanager' | 'grafana';

/**
 * What one PagerDuty event or one alert asks of Tracker, decided by pure mapping code and carried out by
 * IncidentIntakeService:
 * - `record`: create the correlated incident (a type-4 tracker event), or, when it exists, apply what `update`
 *   answers for the stored event (none: leave it as it is);
 * - `skipped`: nothing to store, and why (answered and counted).
 */
export type IncidentPlan =
  | {
      kind: 'record';
      /** The correlated tracker event id (one per PagerDuty incident, one per alert occurrence). */
      eventId: Types.ObjectId;
      create: CreateEventDto;
      update: (stored: TrackerEventRecordView) => Omit<UpdateEventDto, 'id'> | undefined;
      intake: TrackerEventIntakeRecord;
    }
  | { kind: 'skipped'; reason: string };

export const skipped = (reason: string): IncidentPlan => ({ kind: 'skipped', reason });

/** An ISO 8601 instant as UTC milliseconds text (what Tracker stores), so that equal instants compare equal. */
export function utc(date: Date): string {
  return date.toISOString();
}
