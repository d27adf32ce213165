import { CloudEvent, HTTP, ValidationError } from 'cloudevents';
import { DomainError, InvalidInputError, InvalidItem } from '../../../platform/errors/domain-errors';
import { MAX_PROBLEM_ITEMS } from '../../../platform/errors/problem';
import { parseInstant } from '../../../platform/validation/date-range';

export const CE_JSON = 'application/cloudevents+json';
export const CE_BATCH = 'application/cloudevents-batch+json';
/** Most CloudEvents one batch request may carry (each one answered on its own). */
export const MAX_BATCH = 100;

export type CloudEventMode = 'binary' | 'structured' | 'batch';

/** The request as the HTTP binding sees it: lower-case header names, and the body the JSON parsers produced. */
export interface CloudEventsRequest {
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** The media type without parameters, lower case ("application/cloudevents+json; charset=utf-8" -> ...+json). */
export function essence(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

export function modeOf(req: CloudEventsRequest): CloudEventMode {
  const type = essence(headerText(req.headers['content-type']));
  if (type === CE_BATCH) return 'batch';
  if (type === CE_JSON) return 'structured';
  return 'binary';
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * One CloudEvent from a binary or structured request, parsed and validated by the `cloudevents` SDK (HTTP
 * binding, spec 1.0); a batch entry is read as a structured event of its own. A malformed event is a 400
 * naming what is wrong.
 */
export function readCloudEvent(req: CloudEventsRequest, mode: 'binary' | 'structured'): CloudEvent<unknown> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    const text = headerText(value);
    if (text !== undefined) headers[name.toLowerCase()] = text;
  }
  if (mode === 'structured') {
    // The SDK looks its parser up by the exact header value; parameters (charset) are not part of the type.
    headers['content-type'] = CE_JSON;
    if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body))
      throw InvalidInputError.field('body', 'must be a JSON object (a structured CloudEvent)');
    const { id, time, specversion } = req.body as Record<string, unknown>;
    checkSpecVersion(specversion, 'specversion');
    // The SDK would make an id up for an event without one: a retry could then never be recognised.
    if (typeof id !== 'string' || id === '') throw InvalidInputError.field('id', 'is required (a non-empty string)');
    checkTime(time, 'time');
  } else {
    if (!headers['ce-id'])
      throw new InvalidInputError(
        'Not a CloudEvent: send ce-* headers (binary mode), or application/cloudevents+json (structured) or application/cloudevents-batch+json (batch).',
        [{ name: 'ce-id', reason: 'is required in binary mode' }],
      );
    checkSpecVersion(headers['ce-specversion'], 'ce-specversion');
    checkTime(headers['ce-time'], 'ce-time');
  }
  let event: CloudEvent<unknown>;
  try {
    event = HTTP.toEvent({ headers, body: req.body }) as CloudEvent<unknown>;
    event.validate();
  } catch (err) {
    throw toInputError(err, mode === 'binary' ? 'ce-' : '');
  }
  return event;
}

/** CloudEvents 1.0 only (the SDK accepts any version text and validates nothing for one it does not know). */
function checkSpecVersion(value: unknown, name: string): void {
  if (value !== '1.0') throw InvalidInputError.field(name, 'must be "1.0" (CloudEvents 1.0)');
}

/** The SDK replaces an unreadable `time` with the current time; Tracker refuses it instead. */
function checkTime(value: unknown, name: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || value.length > 64 || !parseInstant(value))
    throw InvalidInputError.field(name, 'must be an RFC 3339 timestamp');
}

/** The SDK's complaint (its schema errors, or a message) as a 400 naming the attribute. */
function toInputError(err: unknown, prefix: string): DomainError {
  if (err instanceof DomainError) return err;
  if (!(err instanceof Error)) return new InvalidInputError('The CloudEvent could not be read.');
  const list = err instanceof ValidationError && Array.isArray(err.errors) ? err.errors : [];
  const fields: InvalidItem[] = list.slice(0, MAX_PROBLEM_ITEMS).map((e) => {
    if (typeof e === 'string') return { name: 'cloudevent', reason: e };
    const o = e;
    const missing = o.keyword === 'required' ? (o.params as { missingProperty?: string }).missingProperty : undefined;
    const attribute = missing ?? (o.instancePath.replace(/^\//, '').split('/')[0] || 'cloudevent');
    return { name: `${prefix}${attribute}`, reason: missing ? 'is required' : (o.message ?? 'is invalid') };
  });
  const headline = (err.message.split('\n')[0] || 'invalid CloudEvent').slice(0, 200);
  const detail = fields.length ? fields.map((f) => `${f.name} ${f.reason}`).join('; ') : headline;
  return new InvalidInputError(`Malformed CloudEvent: ${detail}`, fields.length ? fields : [{ name: 'cloudevent', reason: headline }]);
}
