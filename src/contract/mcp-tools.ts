import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type createClient from 'openapi-fetch';
import * as z from 'zod';
import type { paths } from './api-types';
import { EVENT_ENVIRONMENT_LABELS, EVENT_PRIORITY_LABELS, EVENT_STATUS_LABELS, EVENT_TYPE_LABELS, describeValues } from './enums';

/*
 * Tracker's MCP tools, over the typed REST client (openapi-fetch on api-types.ts). One tool set, two transports:
 * the service's POST /mcp answers them through its own REST routes in-process (Fastify inject, with the caller's
 * token), and `tracker mcp` (stdio) through TRACKER_URL. So a tool's arguments are validated by the very DTOs of
 * the REST route it calls, its caller needs that route's tracker role, and a refusal is the route's problem
 * detail, returned as an MCP tool error (isError), never a transport failure. Imports only the contract.
 */

export type TrackerApiClient = ReturnType<typeof createClient<paths>>;

export interface TrackerToolOptions {
  /** create_event, acquire_lock, release_lock (MCP_WRITE_TOOLS=on); their routes still need the writer role. */
  writeTools: boolean;
}

export const READ_TOOLS = [
  'search_events',
  'get_event',
  'recent_changes',
  'list_overlaps',
  'list_locks',
  'check_deployability',
  'get_dora',
] as const;
export const WRITE_TOOLS = ['create_event', 'acquire_lock', 'release_lock'] as const;

/** Wire numbers, or names as the console and CLI print them ("Production", "P2 (High)"); REST checks the number. */
function enumArg(labels: Readonly<Record<number, string>>, what: string) {
  const byName = new Map(Object.entries(labels).map(([v, l]) => [l.toLowerCase().replace(/[^a-z0-9]/g, ''), Number(v)]));
  return z
    .union([z.number().int(), z.string()])
    .transform((v) => (typeof v === 'number' ? v : (byName.get(v.toLowerCase().replace(/[^a-z0-9]/g, '')) ?? Number(v))))
    .describe(`${what}: ${describeValues(labels)} (number or name)`);
}
const type = () => enumArg(EVENT_TYPE_LABELS, 'Event type');
const environment = () => enumArg(EVENT_ENVIRONMENT_LABELS, 'Environment');
const status = () => enumArg(EVENT_STATUS_LABELS, 'Status');
const priority = () => enumArg(EVENT_PRIORITY_LABELS, 'Priority');
const isoTime = (what: string) => z.string().describe(`${what} (ISO 8601 date or date-time)`);

const event = z.looseObject({ id: z.string(), title: z.string(), attributes: z.looseObject({ type: z.number(), service: z.string() }) });
const eventPage = { events: z.array(event), totalCount: z.number(), page: z.number(), perPage: z.number() };
const lock = z.looseObject({ id: z.string(), service: z.string(), environment: z.number(), resource: z.string(), owner: z.string() });

type Answer = { data?: unknown; error?: unknown; response: Response };

/** A REST answer as a tool result: the body as structured content, or the problem as a tool error. */
async function result(call: Promise<Answer>): Promise<CallToolResult> {
  const { data, error, response } = await call;
  if (!response.ok) {
    const problem = (error ?? { status: String(response.status) }) as { title?: string; detail?: string };
    const summary = `${response.status} ${problem.title ?? 'Error'}${problem.detail ? `: ${problem.detail}` : ''}`;
    return { isError: true, content: [{ type: 'text', text: `${summary}\n${JSON.stringify(problem)}` }] };
  }
  const structured = data as Record<string, unknown>;
  return { structuredContent: structured, content: [{ type: 'text', text: JSON.stringify(structured) }] };
}

type Env = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;
type Five = 1 | 2 | 3 | 4 | 5;
type Status = 1 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

export function registerTrackerTools(server: McpServer, api: TrackerApiClient, options: TrackerToolOptions): void {
  const read = { readOnlyHint: true, openWorldHint: false } as const;

  server.registerTool(
    'search_events',
    {
      description:
        'Search tracker events (deployments, operations, drifts, incidents, RPA usage) by any of service, type, environment, status, priority and time window; newest first, paginated.',
      inputSchema: {
        service: z.string().optional().describe('Exact service name'),
        type: type().optional(),
        environment: environment().optional(),
        status: status().optional(),
        priority: priority().optional(),
        from: isoTime('Inclusive lower bound on the event time').optional(),
        to: isoTime('Upper bound on the event time').optional(),
        page: z.number().int().optional(),
        perPage: z.number().int().optional().describe('At most 100'),
      },
      outputSchema: eventPage,
      annotations: read,
    },
    (a) =>
      result(
        api.GET('/api/v1alpha1/events/search', {
          params: {
            query: {
              service: a.service,
              type: a.type as Five | undefined,
              environment: a.environment as Env | undefined,
              status: a.status as Status | undefined,
              priority: a.priority as Five | undefined,
              start_date: a.from,
              end_date: a.to,
              page: a.page,
              per_page: a.perPage,
            },
          },
        }),
      ),
  );

  server.registerTool(
    'get_event',
    {
      description: 'One tracker event by id, with its related event.',
      inputSchema: { id: z.string() },
      outputSchema: event,
      annotations: read,
    },
    (a) => result(api.GET('/api/v1alpha1/event/{id}', { params: { path: { id: a.id } } })),
  );

  server.registerTool(
    'recent_changes',
    {
      description:
        'What changed before a moment ("what changed in production before this incident?"): the deployments, code changes and incidents of a service (and environment) in the hours before `before`.',
      inputSchema: {
        service: z.string().describe('Exact service name'),
        environment: environment().optional(),
        before: isoTime('End of the window (default now)').optional(),
        hours: z
          .number()
          .positive()
          .max(24 * 31)
          .optional()
          .describe('Window length in hours (default 24)'),
      },
      outputSchema: {
        window: z.object({ from: z.string(), to: z.string() }),
        deployments: z.array(event),
        incidents: z.array(event),
        changes: z.array(z.looseObject({ service: z.string() })),
      },
      annotations: read,
    },
    async (a) => {
      const to = a.before ? new Date(a.before) : new Date();
      if (Number.isNaN(to.getTime()))
        return { isError: true, content: [{ type: 'text', text: 'before: must be an ISO 8601 date or date-time' }] };
      const from = new Date(to.getTime() - (a.hours ?? 24) * 3_600_000);
      const window = { from: from.toISOString(), to: to.toISOString() };
      const search = (t: Five) =>
        api.GET('/api/v1alpha1/events/search', {
          params: {
            query: {
              service: a.service,
              type: t,
              environment: a.environment as Env | undefined,
              start_date: window.from,
              end_date: window.to,
              per_page: 100,
            },
          },
        });
      const [deployments, incidents, changes] = await Promise.all([
        search(1),
        search(4),
        api.GET('/api/v1alpha1/changes', { params: { query: { service: a.service, from: window.from, to: window.to, per_page: 100 } } }),
      ]);
      for (const answer of [deployments, incidents, changes] as Answer[]) if (!answer.response.ok) return result(Promise.resolve(answer));
      const structured = {
        window,
        deployments: deployments.data!.events,
        incidents: incidents.data!.events,
        changes: (changes.data as { changes?: unknown[] } | undefined)?.changes ?? [],
      };
      return { structuredContent: structured, content: [{ type: 'text', text: JSON.stringify(structured) }] };
    },
  );

  server.registerTool(
    'list_overlaps',
    {
      description: 'Events whose time ranges overlap within [from, to): concurrent deployments or maintenance per service or environment.',
      inputSchema: {
        from: isoTime('Window start'),
        to: isoTime('Window end'),
        by: z.enum(['service', 'environment']).optional().describe('Group overlaps by service (default) or environment'),
        service: z.string().optional(),
        environment: environment().optional(),
        type: type().optional(),
      },
      outputSchema: z.looseObject({}),
      annotations: read,
    },
    (a) =>
      result(
        api.GET('/api/v1alpha1/events/overlaps', {
          params: {
            query: {
              from: a.from,
              to: a.to,
              by: a.by,
              service: a.service,
              environment: a.environment as Env | undefined,
              type: a.type as Five | undefined,
            },
          },
        }),
      ),
  );

  server.registerTool(
    'list_locks',
    {
      description: 'Active deployment locks (unexpired, unreleased), by service, environment or owner.',
      inputSchema: { service: z.string().optional(), environment: environment().optional(), owner: z.string().optional() },
      outputSchema: { locks: z.array(lock), totalCount: z.number(), page: z.number(), perPage: z.number() },
      annotations: read,
    },
    (a) =>
      result(
        api.GET('/api/v1alpha1/locks', {
          params: { query: { service: a.service, environment: a.environment as Env | undefined, owner: a.owner, per_page: 100 } },
        }),
      ),
  );

  server.registerTool(
    'check_deployability',
    {
      description:
        "May this service deploy to this environment now (or at `at`)? The freezes, open incidents and other owners' locks that stand in the way, each with when it ends, and the earliest time none applies (docs/freezes.md).",
      inputSchema: {
        service: z.string().describe('Exact service name'),
        environment: environment(),
        at: isoTime('The instant asked about (default now)').optional(),
        owner: z.string().optional().describe('The deployer: its own locks are no reason (none: any lock is)'),
      },
      outputSchema: {
        allowed: z.boolean(),
        reasons: z.array(
          z.object({
            kind: z.enum(['lock', 'freeze', 'incident']),
            id: z.string(),
            title: z.string(),
            until: z.string().optional().describe('When this reason ends, when known'),
          }),
        ),
        nextAllowedAt: z.string().nullable().describe('The earliest time no known reason applies; null when unknown'),
      },
      annotations: read,
    },
    (a) =>
      result(
        api.GET('/api/v1alpha1/deployability', {
          params: { query: { service: a.service, environment: a.environment as Env, at: a.at, owner: a.owner } },
        }),
      ),
  );

  server.registerTool(
    'get_dora',
    {
      description:
        "DORA's four keys (deployment frequency, lead time for changes, change failure rate, recovery time) over a window, default the last 30 days in Production.",
      inputSchema: {
        environment: environment().optional(),
        service: z.string().optional(),
        from: isoTime('Window start').optional(),
        to: isoTime('Window end').optional(),
      },
      outputSchema: z.looseObject({
        deploymentFrequency: z.looseObject({}),
        leadTimeForChanges: z.looseObject({}),
        changeFailureRate: z.looseObject({}),
        recoveryTime: z.looseObject({}),
      }),
      annotations: read,
    },
    (a) =>
      result(
        api.GET('/api/v1alpha1/insights/dora', {
          params: { query: { environment: a.environment as Env | undefined, service: a.service, from: a.from, to: a.to } },
        }),
      ),
  );

  if (!options.writeTools) return;

  server.registerTool(
    'create_event',
    {
      description: 'Record a tracker event (needs the writer role).',
      inputSchema: {
        title: z.string(),
        type: type(),
        service: z.string(),
        environment: environment().optional(),
        status: status().optional(),
        priority: priority().optional(),
        message: z.string().optional(),
        startDate: isoTime('Start').optional(),
        endDate: isoTime('End').optional(),
      },
      outputSchema: event,
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    },
    (a) =>
      result(
        api.POST('/api/v1alpha1/event', {
          body: {
            title: a.title,
            attributes: {
              type: a.type as Five,
              service: a.service,
              environment: a.environment as Env | undefined,
              status: a.status as Status | undefined,
              priority: a.priority as Five | undefined,
              message: a.message,
              startDate: a.startDate,
              endDate: a.endDate,
              source: 'mcp',
            },
          },
        }),
      ),
  );

  server.registerTool(
    'acquire_lock',
    {
      description:
        'Take the deployment lock of (service, environment, resource) (needs the writer role); held by another owner: a tool error naming the holder.',
      inputSchema: {
        service: z.string(),
        environment: environment(),
        resource: z.string().optional(),
        owner: z.string().optional().describe('Holder; required when the service runs without auth'),
        reason: z.string().optional(),
        ttlSeconds: z.number().int().optional(),
      },
      outputSchema: lock,
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
    },
    (a) =>
      result(
        api.POST('/api/v1alpha1/locks', {
          body: {
            service: a.service,
            environment: a.environment as Env,
            resource: a.resource,
            owner: a.owner,
            reason: a.reason,
            ttlSeconds: a.ttlSeconds,
          },
        }),
      ),
  );

  server.registerTool(
    'release_lock',
    {
      description: 'Release a lock its owner holds (needs the writer role).',
      inputSchema: { id: z.string(), owner: z.string().optional() },
      outputSchema: { id: z.string() },
      annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: false },
    },
    (a) => result(api.DELETE('/api/v1alpha1/locks/{id}', { params: { path: { id: a.id }, query: { owner: a.owner } } })),
  );
}
