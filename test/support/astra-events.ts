import { randomUUID } from 'node:crypto';
import type { Role } from '../../src/auth/roles';
import { bearer } from './auth';
import { http, HttpResult } from './http';
import { expectAstraValid } from './astra-schema';

/** A valid POST body for an Astra event; override any field. */
export function sampleEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'astra.app.discovery.failed',
    summary: 'Application Discovery Failed',
    source: 'composite-compute',
    resourceID: randomUUID(),
    resourceType: 'application/astra-app',
    severity: 'warning',
    class: 'user',
    description: "Discovering the application 'mysql' was unsuccessful.",
    ...overrides,
  };
}

export function eventsUrl(base: string, accountId: string): string {
  return `${base}/accounts/${accountId}/core/v1/events`;
}

/** POSTs an event as `role` (admin by default), expects 201 and a valid resource, returns it. */
export async function createEvent(base: string, accountId: string, overrides: Record<string, unknown> = {}, role: Role = 'admin') {
  const res: HttpResult = await http('POST', eventsUrl(base, accountId), {
    body: sampleEvent(overrides),
    headers: bearer(accountId, role),
  });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text}`);
  expectAstraValid('event_1.4_get_response_body', res.body);
  return res.body as Record<string, any>;
}
