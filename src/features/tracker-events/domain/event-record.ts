import { Types } from 'mongoose';
import { InvalidInputError } from '../../../platform/errors/domain-errors';
import type { ChangelogRecord, TrackerEventAttributesRecord, TrackerEventRecord } from '../data/tracker-event.schema';
import type { TrackerEventRecordView } from '../data/tracker-event.repository';
import type { CreateEventDto, UpdateEventDto } from '../dto/event-body.dto';
import { dateParts, parseInstant } from '../../../platform/validation/date-range';

const DATE_ATTRIBUTES = new Set(['startDate', 'endDate']);

/** The fields whose every change the changelog records (status, priority, title, owner, dates, links). */
export const TRACKED_FIELDS = new Set([
  'title',
  'attributes.status',
  'attributes.priority',
  'attributes.owner',
  'attributes.startDate',
  'attributes.endDate',
  'attributes.relatedId',
  'links.pullRequestLink',
  'links.ticket',
]);

/** Copies the fields that are present, turning date strings into Dates; absent fields stay absent (no nulls). */
function definedFields<T extends object>(input: T | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!input) return out;
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || value === null) continue;
    out[key] = DATE_ATTRIBUTES.has(key) && typeof value === 'string' ? parseInstant(value) : value;
  }
  return out;
}

function eventTime(attributes: { startDate?: Date }, createdAt: Date): Date {
  return attributes.startDate ?? createdAt;
}

/** The document a create stores: the event, its derived time fields and its first changelog entry. */
export function buildEventRecord(dto: CreateEventDto, now: Date, source: string, id = new Types.ObjectId()): TrackerEventRecord {
  const attributes = definedFields(dto.attributes) as unknown as TrackerEventAttributesRecord;
  const at = eventTime(attributes, now);
  return {
    _id: id,
    title: dto.title,
    attributes,
    links: definedFields(dto.links),
    metadata: { createdAt: now, updatedAt: now },
    eventAt: at,
    ...dateParts(at),
    rev: 0,
    changelog: [{ at: now, field: 'event', old: null, new: 'created', source }],
  };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  return a === b;
}

export interface UpdatePlan {
  /** Dotted paths to $set; empty when the request changes nothing. */
  set: Record<string, unknown>;
  changelogEntries: ChangelogRecord[];
  /** The event as it will be stored once the update applies. */
  next: TrackerEventRecordView;
}

/**
 * Merges an update into the stored event field by field (attributes and links per field, arrays replaced
 * whole), derives the event time again when the start moves, and lists the tracked changes.
 */
export function planUpdate(current: TrackerEventRecordView, dto: UpdateEventDto, now: Date, source: string): UpdatePlan {
  const set: Record<string, unknown> = {};
  const changelogEntries: ChangelogRecord[] = [];
  const record = (path: string, before: unknown, after: unknown) => {
    if (sameValue(before, after)) return;
    set[path] = after;
    if (TRACKED_FIELDS.has(path)) changelogEntries.push({ at: now, field: path, old: before ?? null, new: after, source });
  };

  // null means "leave as is", as it does for attributes and links (class-validator's IsOptional lets null through).
  if (dto.title != null) record('title', current.title, dto.title);
  const attributes: Record<string, unknown> = { ...current.attributes };
  for (const [key, value] of Object.entries(definedFields(dto.attributes))) {
    if (key === 'relatedId' && value === '') continue;
    record(`attributes.${key}`, attributes[key], value);
    attributes[key] = value;
  }
  // relatedId "" removes the link (stored as null, which every reader takes as absent).
  if (dto.attributes?.relatedId === '' && attributes.relatedId != null) {
    record('attributes.relatedId', attributes.relatedId, null);
    delete attributes.relatedId;
  }
  const links: Record<string, unknown> = { ...(current.links ?? {}) };
  for (const [key, value] of Object.entries(definedFields(dto.links))) {
    record(`links.${key}`, links[key], value);
    links[key] = value;
  }

  const start = attributes.startDate as Date | undefined;
  const end = attributes.endDate as Date | undefined;
  if (start && end && end.getTime() < start.getTime()) {
    const field = dto.attributes?.endDate != null ? 'attributes.endDate' : 'attributes.startDate';
    throw InvalidInputError.field(field, 'endDate must not be before startDate');
  }

  if (Object.keys(set).length === 0) return { set, changelogEntries, next: current };

  const derived: Partial<TrackerEventRecordView> = {};
  if ('attributes.startDate' in set) {
    const at = eventTime(attributes, current.metadata.createdAt);
    Object.assign(derived, { eventAt: at, ...dateParts(at) });
    Object.assign(set, { eventAt: at, ...dateParts(at) });
  }
  set['metadata.updatedAt'] = now;
  const next: TrackerEventRecordView = {
    ...current,
    ...derived,
    title: (set.title as string | undefined) ?? current.title,
    attributes: attributes as unknown as TrackerEventAttributesRecord,
    links: links,
    metadata: { ...current.metadata, updatedAt: now },
    rev: current.rev + 1,
  };
  return { set, changelogEntries, next };
}
