import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type {
  OpenAPIObject,
  OperationObject,
  PathItemObject,
  ResponseObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { APP_VERSION } from '../system/app-info';
import {
  ASTRA_SECURITY,
  astraProblemsSchema,
  IDEMPOTENT_REPLAYED_HEADER,
  problemContent,
  RETRY_AFTER_HEADER,
  TRACKER_SECURITY,
  trackerProblemSchema,
} from './api-docs';
import { astraSchemas } from './astra-schemas';
import { ProblemDto } from './problem.dto';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** Tags in the order a reader meets them, each with what the module is. */
const TAGS: { name: string; description: string }[] = [
  { name: 'tracker events', description: 'Platform events (deployments, incidents, operations...): create, update, read, search, stats' },
  { name: 'locks', description: 'Deployment locks on (service, environment, resource), with leases' },
  { name: 'Activity log (Astra events)', description: "Astra's event resource (event_1.4), NetApp's published API" },
  { name: 'Astra notifications', description: 'notification_1.3: events with the notification destination' },
  { name: 'Astra unread notifications', description: "unreadNotification_1.0: a user's unread marks" },
  { name: 'Banners (Tracker extension to the Astra API)', description: 'Active banners and their dismissal (docs/astra-extensions.md)' },
];

function isAstra(op: OperationObject): boolean {
  return (op.security ?? []).some((req) => ASTRA_SECURITY in req);
}

function problemResponse(op: OperationObject, status: number, astraNumbers: number[], description: string): ResponseObject {
  const schema = isAstra(op) && astraNumbers.length ? astraProblemsSchema(astraNumbers) : trackerProblemSchema();
  return {
    description,
    content: problemContent(schema),
    ...(status === 429 || status === 503 ? { headers: RETRY_AFTER_HEADER } : {}),
  };
}

/**
 * What the platform answers on every route, whoever the handler is (so no handler repeats it): the rate limit
 * (429), a store outage (503), a bug (500); where a body is read, the body parser's 400 (malformed JSON, input
 * bounds), 413 (over 1 MB) and 415; where Idempotency-Key is taken, its 409 and the `idempotent-replayed` header.
 */
function addPlatformResponses(op: OperationObject): void {
  const responses = op.responses;
  const add = (status: number, astraNumbers: number[], description: string) => {
    responses[String(status)] ??= problemResponse(op, status, astraNumbers, description);
  };
  if (op.requestBody) {
    add(
      400,
      [7, 9],
      'The body is not valid JSON, breaks the input bounds (docs/security.md), or fails validation (invalidFields names each field)',
    );
    add(413, [85], 'The body is over 1 MB');
    add(415, [], 'The body is not application/json');
  }
  const idempotent = (op.parameters ?? []).some((p) => 'name' in p && p.name === 'Idempotency-Key');
  if (idempotent) {
    add(409, [10], 'The Idempotency-Key was used with a different request, or its first request is still in progress');
    for (const [status, response] of Object.entries(responses)) {
      if (status.startsWith('2') && response && 'description' in response)
        response.headers = { ...response.headers, ...IDEMPOTENT_REPLAYED_HEADER };
    }
  }
  add(429, [], 'Over the caller’s request budget (RATE_LIMIT_PER_MINUTE); Retry-After says when to come back');
  add(500, [34], 'A bug: logged with the correlation id, answered without internals');
  add(503, [41], 'The store is unreachable; retry after Retry-After seconds');
}

/** The tracker routes' bearer is optional in the document: it is required only when TRACKER_AUTH=required. */
function optionalTrackerBearer(op: OperationObject): void {
  if ((op.security ?? []).some((req) => TRACKER_SECURITY in req)) op.security = [{}, { [TRACKER_SECURITY]: [] }];
}

function operations(document: OpenAPIObject): { path: string; method: string; op: OperationObject }[] {
  return Object.entries(document.paths).flatMap(([path, item]: [string, PathItemObject]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] as OperationObject })),
  );
}

const templateParams = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);

/**
 * A controller on several paths (unread notifications, also under /groups/{group_id}) declares the union of
 * their path parameters; each path keeps the ones its template has.
 */
function pathParamsOfTemplate(path: string, op: OperationObject): void {
  const names = templateParams(path);
  op.parameters = (op.parameters ?? []).filter((p) => !('in' in p) || p.in !== 'path' || names.includes(p.name));
}

/**
 * A handler mounted on several paths (unread notifications, also under a group) is one operation per path; the
 * later paths' operation ids get the path parameters the first lacks (`listUnreadNotificationsByGroup`).
 */
function distinctOperationIds(document: OpenAPIObject): void {
  const first = new Map<string, string>();
  for (const { path, op } of operations(document)) {
    if (!op.operationId) continue;
    const seen = first.get(op.operationId);
    if (seen === undefined) {
      first.set(op.operationId, path);
      continue;
    }
    const extra = templateParams(path).filter((name) => !templateParams(seen).includes(name));
    const pascal = (name: string) =>
      name
        .replace(/_id$/i, '')
        .split(/[_-]/)
        .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
        .join('');
    op.operationId = `${op.operationId}By${extra.map(pascal).join('And')}`;
  }
}

/**
 * Checks the recipe was followed (docs/architecture.md, "Documenting an endpoint"): an explicit, unique
 * operation id (the generated `Controller_method` ones make poor client method names), a tag, and a described
 * 2xx. Throws naming every operation that misses one, so a module that forgets fails its first test.
 */
export function checkDocumented(document: OpenAPIObject): void {
  const problems: string[] = [];
  const ids = new Map<string, string>();
  for (const { path, method, op } of operations(document)) {
    const where = `${method.toUpperCase()} ${path}`;
    if (!op.operationId || op.operationId.includes('_'))
      problems.push(`${where}: no explicit operationId (@ApiOperation({ operationId }))`);
    else if (ids.has(op.operationId)) problems.push(`${where}: operationId ${op.operationId} is also ${ids.get(op.operationId)}`);
    else ids.set(op.operationId, where);
    if (!op.tags?.length) problems.push(`${where}: no tag (@ApiTags)`);
    const declared = (op.parameters ?? []).filter((p) => 'in' in p && p.in === 'path').map((p) => ('name' in p ? p.name : ''));
    for (const name of templateParams(path))
      if (!declared.includes(name)) problems.push(`${where}: path parameter ${name} is not declared`);
    const ok = Object.entries(op.responses).filter(([status]) => status.startsWith('2'));
    if (!ok.length) problems.push(`${where}: no 2xx response`);
    for (const [status, response] of ok) {
      const content = (response as ResponseObject).content;
      if (status !== '204' && !content) problems.push(`${where}: ${status} has no content (ApiOkResponse({ type }))`);
      for (const [media, { schema }] of Object.entries(content ?? {})) {
        if (!schema && media !== 'text/event-stream') problems.push(`${where}: ${status} ${media} has no schema`);
      }
    }
  }
  if (problems.length) throw new Error(`OpenAPI document incomplete:\n${problems.join('\n')}`);
}

/**
 * The OpenAPI document of the REST API, from the controllers' decorators (@nestjs/swagger), completed with
 * NetApp's Astra schemas, the platform-wide responses and the security schemes. `GET /docs-json` serves it and
 * `npm run openapi` writes it to docs/openapi.json.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Tracker')
    .setDescription(
      'Tracker events, deployment locks, and the Astra-style activity log and notifications. Errors are application/problem+json ' +
        '(RFC 7807, in the shape Astra publishes: `status` is a string). Tracker routes take a bearer token only when the service ' +
        'runs with TRACKER_AUTH=required; Astra routes always do.',
    )
    .setVersion(APP_VERSION)
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An Astra API token (JWT, HS256)' }, ASTRA_SECURITY)
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A JWT (HS256); required only when TRACKER_AUTH=required' },
      TRACKER_SECURITY,
    );
  for (const tag of TAGS) config.addTag(tag.name, tag.description);
  const document = SwaggerModule.createDocument(app, config.build(), { extraModels: [ProblemDto] });
  document.components ??= {};
  document.components.schemas = { ...astraSchemas(), ...document.components.schemas };
  distinctOperationIds(document);
  for (const { path, op } of operations(document)) {
    pathParamsOfTemplate(path, op);
    addPlatformResponses(op);
    optionalTrackerBearer(op);
  }
  checkDocumented(document);
  return document;
}
