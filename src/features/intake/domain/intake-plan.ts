import type { Types } from 'mongoose';
import { InvalidInputError } from '../../../platform/errors/domain-errors';
import { identifierProblem } from '../../../platform/validation/identifier';
import { prefix } from '../../../platform/validation/text';
import type { CreateEventDto, TrackerEventIntakeRecord, TrackerEventRecordView, UpdateEventDto } from '../../tracker-events';
import type { CreateCodeChangeDto } from '../../code-changes';

/**
 * What one upstream delivery asks of Tracker, decided by pure mapping code (github-mapping.ts,
 * cdevents-mapping.ts) and carried out by IntakeService:
 * - `record`: create the correlated tracker event, or (when it exists) apply `update` to it;
 * - `change`: record a change (code that reached the main line) through the changes module;
 * - `ignored`: nothing to store (answered 202 with the reason, and counted).
 */
export type IntakePlan =
  | {
      kind: 'record';
      /** The correlated tracker event id (correlation.ts). */
      eventId: Types.ObjectId;
      create: CreateEventDto;
      /**
       * What a later delivery changes on the existing event (or a function of the stored event, answering none to
       * leave it); absent: an existing event is left as it is.
       */
      update?: Omit<UpdateEventDto, 'id'> | ((stored: TrackerEventRecordView) => Omit<UpdateEventDto, 'id'> | undefined);
      intake: TrackerEventIntakeRecord;
    }
  | { kind: 'change'; change: CreateCodeChangeDto; source: string }
  | { kind: 'ignored'; reason: string };

export const ignored = (reason: string): IntakePlan => ({ kind: 'ignored', reason });

/** Tracker's caps on event fields (event-body.dto.ts): upstream text longer than that is cut, with an ellipsis. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  // Never half of a surrogate pair: a lone surrogate is refused in names (and garbles text).
  return `${prefix(text, max - 3)}...`;
}

/**
 * An upstream name that becomes a tracker identifier (service, owner), refused as the API refuses it (a 400
 * naming the upstream field: the sender sees the delivery fail, rather than Tracker storing a look-alike or
 * dropping the event silently). `problemOf` is identifierProblem, or refusedCharacterProblem for names Tracker
 * matches with surrounding spaces trimmed (environments).
 */
export function checkedName(name: string, field: string, problemOf: (name: string) => string | undefined = identifierProblem): string {
  const problem = problemOf(name);
  if (problem) throw InvalidInputError.field(field, problem);
  return name;
}

/** A value at a dotted path of an upstream payload, read without trusting its shape. */
export function at(payload: unknown, path: string): unknown {
  let value: unknown = payload;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A required non-empty string at `path`, or a 400 naming `${root}.${path}`. */
export function requiredText(payload: unknown, path: string, root: string): string {
  const value = at(payload, path);
  if (typeof value !== 'string' || value.trim() === '') throw InvalidInputError.field(`${root}.${path}`, 'must be a non-empty string');
  return value;
}

/** An optional string at `path` (absent, null, empty or not a string: undefined). */
export function optionalText(payload: unknown, path: string): string | undefined {
  const value = at(payload, path);
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** An http(s) URL that fits a tracker link (2000 characters), else undefined. */
export function linkOrNothing(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= 2000 && /^https?:\/\/\S+$/.test(value) ? value : undefined;
}

/** An ISO 8601 instant Tracker reads (the API's own check), else undefined. */
export function instantOrNothing(value: unknown, parse: (text: string) => Date | undefined): string | undefined {
  return typeof value === 'string' && value.length <= 64 && parse(value) ? value : undefined;
}
