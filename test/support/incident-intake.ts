import { createHmac, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { http, HttpResult } from './http';

/*
 * The incident intake's fixtures (test/fixtures/incidents, written after the vendors' docs: see its README) and
 * how a test sends them: PagerDuty bodies signed here with node:crypto, Alertmanager bodies with the bearer token.
 */

export const PAGERDUTY_SECRET = 'incident-e2e-pagerduty-secret';
export const ALERTMANAGER_TOKEN = 'incident-e2e-alertmanager-token';
export const PAGERDUTY_PATH = '/api/v1alpha1/webhooks/pagerduty';
export const ALERTMANAGER_PATH = '/api/v1alpha1/webhooks/alertmanager';
export const INCIDENT_ENV = { PAGERDUTY_WEBHOOK_SECRET: PAGERDUTY_SECRET, ALERTMANAGER_WEBHOOK_TOKEN: ALERTMANAGER_TOKEN };

const FIXTURES = join(__dirname, '..', 'fixtures', 'incidents');

/** A fixture as parsed JSON (a fresh copy each time). */
export function incidentFixture(path: string): any {
  return JSON.parse(readFileSync(join(FIXTURES, path), 'utf8'));
}

/** The fixture files of one vendor directory (pagerduty, alertmanager, grafana), sorted. */
export function incidentFixtures(vendor: string): string[] {
  return readdirSync(join(FIXTURES, vendor))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => `${vendor}/${f}`);
}

/** v1=<hex HMAC-SHA256 of the body>, as PagerDuty computes it. */
export function pagerDutySignature(body: string | Buffer, secret = PAGERDUTY_SECRET): string {
  return `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function postPagerDuty(base: string, body: string | Buffer, options: { signature?: string | null } = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const signature = options.signature === undefined ? pagerDutySignature(body) : options.signature;
  if (signature !== null) headers['x-pagerduty-signature'] = signature;
  return http('POST', `${base}${PAGERDUTY_PATH}`, { raw: body, headers });
}

export function postAlertmanager(
  base: string,
  body: string | Buffer,
  options: { authorization?: string | null } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const authorization = options.authorization === undefined ? `Bearer ${ALERTMANAGER_TOKEN}` : options.authorization;
  if (authorization !== null) headers.authorization = authorization;
  return http('POST', `${base}${ALERTMANAGER_PATH}`, { raw: body, headers });
}

/**
 * A PagerDuty fixture about an incident of its own (a fresh incident id, event id and service name), so tests
 * sharing a store do not meet each other's incidents.
 */
export function freshPagerDuty(path: string, incidentId: string, service?: string): any {
  const body = incidentFixture(path);
  body.event.id = randomUUID();
  if (body.event.data?.type === 'incident') {
    body.event.data.id = incidentId;
    if (service) body.event.data.service.summary = service;
  }
  return body;
}

/** An Alertmanager or Grafana fixture whose alerts have fresh fingerprints and the given service label. */
export function freshAlerts(path: string, fingerprints: string[], service?: string): any {
  const body = incidentFixture(path);
  body.alerts.forEach((alert: any, i: number) => {
    alert.fingerprint = fingerprints[i] ?? alert.fingerprint;
    if (service && alert.labels.service) alert.labels.service = service;
  });
  return body;
}

export const fingerprint = () => randomUUID().replace(/-/g, '').slice(0, 16);
