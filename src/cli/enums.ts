import { InvalidArgumentError } from 'commander';
import {
  EVENT_ENVIRONMENT_LABELS,
  EVENT_IMPACT_LABELS,
  EVENT_PRIORITY_LABELS,
  EVENT_STATUS_LABELS,
  EVENT_TYPE_LABELS,
  EventEnvironment,
  EventImpact,
  EventPriority,
  EventStatus,
  EventType,
  labelOf,
} from '../contract/enums';

type Members = Readonly<Record<string, number>>;

/** A name's comparable form: `Pre-production`, `preproduction` and `PRE_PRODUCTION` are one name. */
const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * A commander argument parser for an enumeration: the member name, its label (`P2 (High)`, `Pre-production`),
 * or the wire number, case and punctuation ignored.
 */
function enumParser<E extends Members>(members: E, labels: Readonly<Record<number, string>>) {
  const byName = new Map<string, number>();
  for (const [name, value] of Object.entries(members)) byName.set(squash(name), value);
  for (const [value, label] of Object.entries(labels)) byName.set(squash(label), Number(value));
  return (raw: string): E[keyof E] => {
    const number = /^\d+$/.test(raw) ? Number(raw) : byName.get(squash(raw));
    if (number === undefined || labels[number] === undefined)
      throw new InvalidArgumentError(
        `must be one of ${Object.entries(labels)
          .map(([v, l]) => `${l} (${v})`)
          .join(', ')}`,
      );
    return number as E[keyof E];
  };
}

export const parseType = enumParser(EventType, EVENT_TYPE_LABELS);
export const parseStatus = enumParser(EventStatus, EVENT_STATUS_LABELS);
export const parseEnvironment = enumParser(EventEnvironment, EVENT_ENVIRONMENT_LABELS);
export const parsePriority = enumParser(EventPriority, EVENT_PRIORITY_LABELS);
export const parseImpact = enumParser(EventImpact, EVENT_IMPACT_LABELS);

export const labels = {
  type: (v: unknown) => labelOf(EVENT_TYPE_LABELS, v) ?? String(v),
  status: (v: unknown) => labelOf(EVENT_STATUS_LABELS, v) ?? String(v),
  environment: (v: unknown) => labelOf(EVENT_ENVIRONMENT_LABELS, v) ?? String(v),
  priority: (v: unknown) => labelOf(EVENT_PRIORITY_LABELS, v) ?? String(v),
};
