import type { components, operations } from '../../src/contract/api-types';

/*
 * A small client typed only by what openapi-typescript generates from docs/openapi.json (src/contract/api-types.ts,
 * written by `npm run openapi`). `npm run lint` type-checks it, so a document that stops describing
 * these calls as a client uses them breaks CI; test/api/openapi.e2e-spec.ts runs it against a live app.
 */

type Schemas = components['schemas'];
/** The JSON body of an operation's answer with the given status. */
type Answer<Op extends keyof operations, Status extends keyof operations[Op]['responses']> = operations[Op]['responses'][Status] extends {
  content: { 'application/json': infer Body };
}
  ? Body
  : never;
type QueryOf<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;
type BodyOf<Op extends keyof operations> = operations[Op] extends { requestBody: { content: { 'application/json': infer Body } } }
  ? Body
  : never;

/** How the client sends a request (the e2e spec passes its checked `http()`); resolves with status and parsed body. */
export type Send = (
  method: string,
  url: string,
  options: { body?: unknown; headers?: Record<string, string> },
) => Promise<{ status: number; body: unknown }>;

function query(params: Record<string, string | number | undefined>): string {
  const entries = Object.entries(params).filter((e): e is [string, string | number] => e[1] !== undefined);
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)])).toString()}` : '';
}

export class TrackerClient {
  constructor(
    private readonly base: string,
    private readonly send: Send,
    private readonly token?: string,
  ) {}

  private async call<T>(method: string, path: string, expected: number, body?: unknown): Promise<T> {
    const headers: Record<string, string> = this.token ? { authorization: `Bearer ${this.token}` } : {};
    const res = await this.send(method, `${this.base}${path}`, { body, headers });
    if (res.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as T;
  }

  createEvent(event: BodyOf<'createEvent'>): Promise<Answer<'createEvent', 200>> {
    return this.call('POST', '/api/v1alpha1/event', 200, event);
  }

  getEvent(id: string): Promise<Answer<'getEvent', 200>> {
    return this.call('GET', `/api/v1alpha1/event/${encodeURIComponent(id)}`, 200);
  }

  listEvents(params: QueryOf<'listEvents'> = {}): Promise<Answer<'listEvents', 200>> {
    return this.call('GET', `/api/v1alpha1/events/list${query(params)}`, 200);
  }

  searchEvents(params: QueryOf<'searchEvents'>): Promise<Answer<'searchEvents', 200>> {
    return this.call('GET', `/api/v1alpha1/events/search${query(params)}`, 200);
  }

  listActivityEvents(accountId: string, params: QueryOf<'listActivityEvents'> = {}): Promise<Answer<'listActivityEvents', 200>> {
    return this.call('GET', `/accounts/${accountId}/core/v1/events${query(params)}`, 200);
  }
}

/** What the scenario saw, in the generated types. */
export interface ScenarioResult {
  created: Schemas['CreatedEventView'];
  read: Schemas['TrackerEventView'];
  listed: Schemas['EventPageView'];
  found: Schemas['TrackerEventView'][];
  activity: Schemas['event_1.4_list_response_body'];
  activityCount: number | undefined;
}

/** Creates, reads, lists and searches tracker events, and lists the account's Astra events. */
export async function runScenario(client: TrackerClient, accountId: string): Promise<ScenarioResult> {
  const created = await client.createEvent({
    title: 'Deploy user-service v2.1.0 to production',
    attributes: { type: 1, service: 'user-service', status: 3, environment: 7, priority: 2, startDate: '2024-01-15T10:00:00Z' },
    links: { pullRequestLink: 'https://github.com/org/repo/pull/123' },
  });
  const read = await client.getEvent(created.id);
  const service: string = read.attributes.service;
  const listed = await client.listEvents({ per_page: 10, page: 1 });
  const search = await client.searchEvents({ service, type: 1, environment: 7 });
  const activity = await client.listActivityEvents(accountId, { count: 'true', limit: '5' });
  const activityCount: number | undefined = activity.metadata.count;
  return { created, read, listed, found: search.events, activity, activityCount };
}
