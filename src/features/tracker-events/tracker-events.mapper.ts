import type { ChangelogRecord } from './data/tracker-event.schema';
import type { TrackerEventRecordView } from './data/tracker-event.repository';
import { formatDuration } from '../../platform/validation/date-range';

/** A related event as get needs it: enough to name it and to measure from its start. */
export interface RelatedEvent {
  _id: { toHexString(): string };
  title: string;
  startedAt: Date;
}

export interface EventDuration {
  duration: string;
  durationSeconds: number;
}

function iso(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

function durationBetween(from: Date, to: Date): EventDuration {
  const ms = to.getTime() - from.getTime();
  return { duration: formatDuration(ms), durationSeconds: ms / 1000 };
}

function attributesOut(attributes: TrackerEventRecordView['attributes']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes ?? {})) if (value !== undefined && value !== null) out[key] = iso(value);
  return out;
}

/** The whole event as REST and gRPC return it (same keys; gRPC's proto names are their snake_case forms). */
export function toEventResponse(rec: TrackerEventRecordView, related?: RelatedEvent | null) {
  const { startDate, endDate } = rec.attributes ?? {};
  const metadata: Record<string, unknown> = {
    createdAt: rec.metadata.createdAt.toISOString(),
    updatedAt: rec.metadata.updatedAt.toISOString(),
  };
  if (startDate && endDate) Object.assign(metadata, durationBetween(startDate, endDate));
  const event: Record<string, unknown> = {
    id: rec._id.toHexString(),
    title: rec.title,
    attributes: attributesOut(rec.attributes),
    links: { ...(rec.links ?? {}) },
    metadata,
  };
  if (rec.frozen) event.frozen = true;
  if (related) {
    event.related = {
      id: related._id.toHexString(),
      title: related.title,
      ...durationBetween(related.startedAt, endDate ?? rec.metadata.createdAt),
    };
  }
  return event;
}

/** Create answers the seed's shape (id, title, createdAt at top level) plus the stored event. */
export function toCreateResponse(rec: TrackerEventRecordView) {
  return { ...toEventResponse(rec), createdAt: rec.metadata.createdAt.toISOString() };
}

export function toPageResponse(items: TrackerEventRecordView[], totalCount: number, page: number, perPage: number) {
  return { events: items.map((rec) => toEventResponse(rec)), totalCount, page, perPage };
}

/** REST keeps the recorded values as JSON values (numbers stay numbers, dates become ISO strings). */
export function toChangelogResponse(id: string, entries: ChangelogRecord[]) {
  return {
    id,
    changelog: entries.map((e) => ({
      at: e.at.toISOString(),
      field: e.field,
      old: iso(e.old) ?? null,
      new: iso(e.new) ?? null,
      source: e.source,
    })),
  };
}

function asText(value: unknown): string | undefined {
  const v = iso(value);
  if (v === null || v === undefined) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** gRPC carries the recorded values as text (old_value/new_value), absent when there was none. */
export function toGrpcChangelogResponse(id: string, entries: ChangelogRecord[]) {
  return {
    id,
    changelog: entries.map((e) => ({
      at: e.at.toISOString(),
      field: e.field,
      oldValue: asText(e.old),
      newValue: asText(e.new),
      source: e.source,
    })),
  };
}
