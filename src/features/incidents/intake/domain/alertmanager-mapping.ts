import { EventStatus, EventType } from '../../../../contract/enums';
import { InvalidInputError } from '../../../../platform/errors/domain-errors';
import { parseInstant } from '../../../../platform/validation/date-range';
import { refusedCharacterProblem } from '../../../../platform/validation/identifier';
import { checkedName, clip, correlatedEventId, mapEnvironment, optionalText } from '../../../intake';
import type { CreateEventDto } from '../../../tracker-events';
import { IncidentPlan, IncidentSource, skipped, utc } from './incident-plan';

/** The most alerts one webhook body may carry (Alertmanager's `max_alerts` is unlimited by default). */
export const MAX_ALERTS = 1000;

/** Severity label values, by rank (higher is more severe), with the usual aliases. */
export const SEVERITY_RANK: Readonly<Record<string, number>> = Object.freeze({
  critical: 4,
  error: 3,
  high: 3,
  major: 3,
  warning: 2,
  warn: 2,
  minor: 2,
  info: 1,
  informational: 1,
  low: 1,
});

/** Severity rank -> tracker priority (critical P1 .. info P4); an alert without a known severity has none. */
export const SEVERITY_PRIORITY: Readonly<Record<number, number>> = Object.freeze({ 4: 1, 3: 2, 2: 3, 1: 4 });

export interface AlertmanagerMappingConfig {
  /** ALERTMANAGER_SERVICE_LABEL */
  serviceLabel: string;
  /** ALERTMANAGER_MIN_SEVERITY */
  minSeverity?: string;
  /** INGEST_ENVIRONMENTS (lower-cased names) */
  environments: ReadonlyMap<string, number>;
  /** INCIDENT_ENVIRONMENT: the environment of an alert with neither an `environment` nor an `env` label. */
  defaultEnvironment: number;
}

/** One alert of a webhook body, read and planned. */
export interface PlannedAlert {
  fingerprint: string;
  /** startsAt as UTC ISO 8601 */
  startsAt: string;
  status: 'firing' | 'resolved';
  /** resolved: endsAt as UTC ISO 8601 */
  endsAt?: string;
  plan: IncidentPlan;
}

export interface AlertmanagerBody {
  source: Extract<IncidentSource, 'alertmanager' | 'grafana'>;
  alerts: PlannedAlert[];
}

/** Fields only Grafana alerting adds to the Alertmanager webhook body (its docs' example). */
const GRAFANA_BODY_FIELDS = ['orgId', 'state', 'title', 'message'];
const GRAFANA_ALERT_FIELDS = ['values', 'valueString', 'silenceURL', 'dashboardURL', 'panelURL', 'imageURL'];
const FINGERPRINT = /^[\w.:-]{1,200}$/;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Grafana's variant of the body: its `orgId` (or another field only Grafana adds). */
export function sourceOf(body: Record<string, unknown>): 'alertmanager' | 'grafana' {
  if (Object.hasOwn(body, 'orgId')) return 'grafana';
  if (GRAFANA_BODY_FIELDS.slice(1).every((f) => Object.hasOwn(body, f))) return 'grafana';
  const alerts = Array.isArray(body.alerts) ? body.alerts : [];
  return alerts.some((a) => isObject(a) && GRAFANA_ALERT_FIELDS.some((f) => Object.hasOwn(a, f))) ? 'grafana' : 'alertmanager';
}

/**
 * Reads an Alertmanager (version 4) or Grafana webhook body. Every alert is checked before any is planned: a body
 * with one unreadable alert is a 400 naming its field (`alerts[3].fingerprint`), and nothing of it is stored.
 */
export function planAlertmanagerBody(body: unknown, config: AlertmanagerMappingConfig): AlertmanagerBody {
  if (!isObject(body)) throw InvalidInputError.field('body', 'must be a JSON object (the Alertmanager webhook body)');
  if (!Array.isArray(body.alerts)) throw InvalidInputError.field('alerts', 'must be an array of alerts');
  if (body.alerts.length > MAX_ALERTS) throw InvalidInputError.field('alerts', `holds more than ${MAX_ALERTS} alerts`);
  const source = sourceOf(body);
  // Alertmanager's body is version 4; Grafana numbers its variant on its own ("1") and is not held to it.
  if (source === 'alertmanager' && body.version !== undefined && body.version !== '4')
    throw InvalidInputError.field('version', 'must be "4" (the Alertmanager webhook body version Tracker reads)');
  const read = body.alerts.map((alert, i) => readAlert(alert, `alerts[${i}]`));
  return { source, alerts: read.map((alert, i) => ({ ...alert, plan: planAlert(alert, source, config, `alerts[${i}]`) })) };
}

interface ReadAlert {
  fingerprint: string;
  startsAt: string;
  status: 'firing' | 'resolved';
  endsAt?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

function readAlert(alert: unknown, path: string): ReadAlert {
  if (!isObject(alert)) throw InvalidInputError.field(path, 'must be an alert object');
  const status = alert.status;
  if (status !== 'firing' && status !== 'resolved') throw InvalidInputError.field(`${path}.status`, 'must be firing or resolved');
  const fingerprint = alert.fingerprint;
  if (typeof fingerprint !== 'string' || !FINGERPRINT.test(fingerprint))
    throw InvalidInputError.field(`${path}.fingerprint`, 'must be the alert fingerprint (at most 200 letters, digits, . : _ -)');
  const startsAt = instant(alert.startsAt, `${path}.startsAt`);
  let endsAt: string | undefined;
  if (status === 'resolved') {
    endsAt = instant(alert.endsAt, `${path}.endsAt`);
    if (endsAt < startsAt) throw InvalidInputError.field(`${path}.endsAt`, 'must not be before startsAt');
  }
  return {
    fingerprint,
    startsAt,
    status,
    endsAt,
    labels: stringMap(alert.labels, `${path}.labels`, true),
    annotations: stringMap(alert.annotations, `${path}.annotations`, false),
  };
}

function instant(value: unknown, field: string): string {
  const parsed = typeof value === 'string' && value.length <= 64 ? parseInstant(value) : undefined;
  if (!parsed) throw InvalidInputError.field(field, 'must be an ISO 8601 date-time');
  return utc(parsed);
}

function stringMap(value: unknown, field: string, required: boolean): Record<string, string> {
  if (value === undefined || value === null) {
    if (required) throw InvalidInputError.field(field, 'must be an object of label names to values');
    return {};
  }
  if (!isObject(value)) throw InvalidInputError.field(field, 'must be an object of names to text values');
  for (const [key, v] of Object.entries(value))
    if (typeof v !== 'string') throw InvalidInputError.field(`${field}.${clip(key, 100)}`, 'must be text');
  return value as Record<string, string>;
}

function planAlert(alert: ReadAlert, source: AlertmanagerBody['source'], config: AlertmanagerMappingConfig, path: string): IncidentPlan {
  const label = (name: string) => (Object.hasOwn(alert.labels, name) && alert.labels[name].trim() !== '' ? alert.labels[name] : undefined);
  const serviceName = label(config.serviceLabel);
  if (serviceName === undefined) return skipped(`the alert has no "${config.serviceLabel}" label (ALERTMANAGER_SERVICE_LABEL)`);
  const severityText = label('severity')?.trim().toLowerCase();
  const rank = severityText !== undefined && Object.hasOwn(SEVERITY_RANK, severityText) ? SEVERITY_RANK[severityText] : 0;
  if (config.minSeverity && rank < SEVERITY_RANK[config.minSeverity])
    return skipped(`severity "${clip(severityText ?? '(none)', 100)}" is below ALERTMANAGER_MIN_SEVERITY ${config.minSeverity}`);
  const environmentName = label('environment') ?? label('env');
  let environment = config.defaultEnvironment;
  if (environmentName !== undefined) {
    const field = label('environment') !== undefined ? 'environment' : 'env';
    checkedName(environmentName, `${path}.labels.${field}`, refusedCharacterProblem);
    const match = mapEnvironment(environmentName, config.environments);
    if (match.kind === 'unmapped') return skipped(match.reason);
    environment = match.environment;
  }
  const service = clip(checkedName(serviceName, `${path}.labels.${config.serviceLabel}`), 300);
  const title = optionalText(alert.annotations, 'summary') ?? label('alertname') ?? `Alert ${alert.fingerprint}`;
  const description = optionalText(alert.annotations, 'description');
  const closed = alert.status === 'resolved';
  const status = closed ? EventStatus.Close : EventStatus.Open;
  const priority = rank ? SEVERITY_PRIORITY[rank] : undefined;
  const create: CreateEventDto = {
    title: clip(title, 500),
    attributes: {
      type: EventType.Incident,
      service,
      environment,
      status,
      source,
      startDate: alert.startsAt,
      ...(closed ? { endDate: alert.endsAt } : {}),
      ...(priority ? { priority } : {}),
      ...(description ? { message: clip(description, 10_000) } : {}),
    },
  };
  return {
    kind: 'record',
    // One incident per occurrence of an alert: its fingerprint (a hash of its labels) and when it started firing.
    eventId: correlatedEventId([source, 'alert', alert.fingerprint, alert.startsAt]),
    create,
    // A resend of a firing alert, or a firing that arrives after its resolution, changes nothing; the resolution
    // closes an open incident at endsAt.
    update: (stored) =>
      closed && stored.attributes?.status !== EventStatus.Close ? { attributes: { status, endDate: alert.endsAt, source } } : undefined,
    intake: { provider: source, externalId: alert.fingerprint },
  };
}

/** The ledger key of one alert's state: a resend of the same state is the same delivery. */
export function alertDeliveryKey(source: string, alert: PlannedAlert): string {
  return JSON.stringify([source, alert.fingerprint, alert.startsAt, alert.status, alert.endsAt ?? null]);
}
