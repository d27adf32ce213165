import { createHmac, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import examples from '@octokit/webhooks-examples';
import { http, HttpResult } from './http';

export const WEBHOOK_SECRET = 'intake-e2e-webhook-secret';
export const GITHUB_PATH = '/api/v1alpha1/webhooks/github';
export const CLOUDEVENTS_PATH = '/api/v1alpha1/cloudevents';

/** The GitHub events the issue names, and every example @octokit/webhooks-examples has for them (api.github.com). */
export const GITHUB_EVENTS = ['ping', 'deployment', 'deployment_status', 'pull_request'] as const;

export function githubExamples(): { event: string; index: number; body: string; payload: any }[] {
  return examples
    .filter((definition) => (GITHUB_EVENTS as readonly string[]).includes(definition.name))
    .flatMap((definition) =>
      definition.examples.map((payload, index) => ({
        event: definition.name,
        index,
        body: JSON.stringify(payload),
        payload: payload as any,
      })),
    );
}

/** sha256=<hex HMAC>, computed here with node:crypto (not with the library the service verifies with). */
export function signatureOf(body: string | Buffer, secret = WEBHOOK_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function postGithub(
  base: string,
  event: string,
  body: string | Buffer,
  options: { delivery?: string; signature?: string | null; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': options.delivery ?? randomUUID(),
    ...options.headers,
  };
  const signature = options.signature === undefined ? signatureOf(body) : options.signature;
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  return http('POST', `${base}${GITHUB_PATH}`, { raw: body, headers });
}

/** The body with the byte at `at` replaced by a different printable ASCII byte. */
export function withOneByteChanged(body: string, at = Math.floor(body.length / 2)): Buffer {
  const bytes = Buffer.from(body);
  bytes[at] = bytes[at] === 0x61 ? 0x62 : 0x61;
  return bytes;
}

export const CONFORMANCE_DIR = join(__dirname, '..', 'fixtures', 'cdevents-v0.4.1', 'conformance');

/** The CDEvents v0.4.1 conformance examples, by file name (service_deployed.json...). */
export function conformanceExamples(): { file: string; cdevent: any }[] {
  return readdirSync(CONFORMANCE_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, cdevent: JSON.parse(readFileSync(join(CONFORMANCE_DIR, file), 'utf8')) }));
}

/** The conformance files of the types Tracker maps (environment_created and change_created are other types). */
export const MAPPED_CONFORMANCE = [
  'service_deployed.json',
  'service_upgraded.json',
  'service_rolledback.json',
  'service_removed.json',
  'pipelinerun_started.json',
  'pipelinerun_finished.json',
  'incident_detected.json',
  'incident_reported.json',
  'incident_resolved.json',
  'change_merged.json',
];

/** A structured-mode CloudEvent carrying `cdevent` (CloudEvents binding of CDEvents: id, source, type, subject, time). */
export function structured(cdevent: any): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: cdevent.context.id,
    source: cdevent.context.source,
    type: cdevent.context.type,
    subject: cdevent.subject.id,
    time: cdevent.context.timestamp,
    datacontenttype: 'application/json',
    data: cdevent,
  };
}

/** The binary-mode headers for `cdevent` (its body is the CDEvent as JSON). */
export function binaryHeaders(cdevent: any): Record<string, string> {
  return {
    'content-type': 'application/json',
    'ce-specversion': '1.0',
    'ce-id': cdevent.context.id,
    'ce-source': cdevent.context.source,
    'ce-type': cdevent.context.type,
    'ce-subject': cdevent.subject.id,
    'ce-time': cdevent.context.timestamp,
  };
}

/** A copy of a CDEvent with a fresh context id (the conformance examples all share one id). */
export function withFreshId(cdevent: any, id: string = randomUUID()): any {
  const copy = structuredClone(cdevent);
  copy.context.id = id;
  return copy;
}

/**
 * A squat: two service.deployed CDEvents under one CloudEvent (source, id), a decoy's and the real emitter's
 * (`payments-...`), from the conformance example.
 */
export function squattedPair(deployed: any, id: string = randomUUID()): { decoy: any; real: any; service: string } {
  const service = `payments-${id.slice(0, 8)}`;
  const make = (subjectId: string) => {
    const copy = withFreshId(deployed, id);
    copy.context.source = '/tekton/prod';
    copy.subject.source = '/tekton/prod';
    copy.subject.id = subjectId;
    return copy;
  };
  return { decoy: make(`decoy-${id.slice(0, 8)}`), real: make(service), service };
}
