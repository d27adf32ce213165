import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/platform/repo-root';

/*
 * Every response a Tracker app gives the e2e suites is checked against the OpenAPI document (docs/openapi.json,
 * which src/platform/openapi/openapi-document.spec.ts keeps equal to what GET /docs-json serves): the operation is
 * found by method and path template, the status must be documented for it, the content type must be one the
 * document lists, the body must validate against that response's schema and the required headers must be there.
 * A response the document does not describe, or describes wrongly, throws, and so fails the test that got it.
 *
 * Only the origins of Tracker apps are checked (startTestApp and spawnApp register them): peers the suites stand
 * up themselves (a Slack webhook, an SMTP server) are not Tracker. Outside the document, by design: the Swagger
 * UI and the document itself (/docs, /docs-json), the probes and the scrape (/health/live, /health/ready,
 * /metrics: operational endpoints, excluded from the API document with @ApiExcludeController). A request that
 * matches no documented path, or a documented path with another method, must be answered with a problem
 * (application/problem+json in the document's ProblemDto shape): 404, or 405 with Allow on Astra resources.
 * Streams (text/event-stream) are checked for status and content type only.
 */

interface Operation {
  method: string;
  path: string;
  pattern: RegExp;
  literalLength: number;
  op: { operationId: string; responses: Record<string, ResponseDoc> };
}
interface ResponseDoc {
  content?: Record<string, { schema?: unknown }>;
  headers?: Record<string, { required?: boolean }>;
}

const NOT_API = new Set(['/docs', '/docs-json', '/health/live', '/health/ready', '/metrics']);
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

let loaded: { ajv: Ajv; operations: Operation[]; paths: Set<string> } | undefined;
const compiled = new Map<string, ValidateFunction>();
const origins = new Set<string>();
let validatedCount = 0;

export const OPENAPI_FILE = join(REPO_ROOT, 'docs', 'openapi.json');

function load() {
  if (loaded) return loaded;
  const document = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as { paths: Record<string, Record<string, Operation['op']>> };
  // The published Astra patterns are ECMAScript without the u flag (`\"` inside a class).
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  ajv.addSchema(document, 'openapi');
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS.filter((m) => item[m])) {
      const source = path
        .split('/')
        .map((segment) => (/^\{\w+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/');
      operations.push({
        method: method.toUpperCase(),
        path,
        pattern: new RegExp(`^${source}$`),
        literalLength: path.replace(/\{\w+\}/g, '').length,
        op: item[method],
      });
    }
  }
  // A literal segment wins over a parameter (as the router decides): the longest literal text first.
  operations.sort((a, b) => b.literalLength - a.literalLength);
  loaded = { ajv, operations, paths: new Set(Object.keys(document.paths)) };
  return loaded;
}

/** startTestApp and spawnApp register each app's base URL: only Tracker's answers are held to its document. */
export function registerTrackerOrigin(base: string): void {
  origins.add(new URL(base).origin);
}

/** How many responses this test file had validated against the document. */
export function validatedResponses(): number {
  return validatedCount;
}

function pointer(...parts: string[]): string {
  return parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

function schemaValidator(path: string, method: string, status: string, media: string): ValidateFunction {
  const ref = `openapi#/${pointer('paths', path, method.toLowerCase(), 'responses', status, 'content', media, 'schema')}`;
  let fn = compiled.get(ref);
  if (!fn) {
    fn = load().ajv.compile({ $ref: ref });
    compiled.set(ref, fn);
  }
  return fn;
}

function problemValidator(): ValidateFunction {
  const ref = 'openapi#/components/schemas/ProblemDto';
  let fn = compiled.get(ref);
  if (!fn) {
    fn = load().ajv.compile({ $ref: ref });
    compiled.set(ref, fn);
  }
  return fn;
}

/** The web console's page: served at any path outside the APIs (its client-side routes), as HTML. */
function isConsolePage(path: string, res: ObservedResponse): boolean {
  const first = path.split('/')[1]?.toLowerCase() ?? '';
  if (first === 'api' || first === 'accounts') return false;
  // Its built files (hashed names) are served as they are.
  if (path.startsWith('/assets/') && res.status === 200) return true;
  return (res.header('content-type') ?? '').startsWith('text/html');
}

/** A path whose percent-encoding the router cannot decode: it matches no route (the service answers a problem). */
const UNREADABLE = '\u0000unreadable';

/**
 * The path as the router (find-my-way) reads it: up to the first `?`, `;` or `#`, one trailing slash ignored
 * (ignoreTrailingSlash), each segment percent-decoded except an encoded slash (it never splits a segment);
 * UNREADABLE when a segment is not valid percent-encoding.
 */
function routedPath(target: string): string {
  const end = target.search(/[?;#]/);
  const raw = end < 0 ? target : target.slice(0, end);
  const trimmed = raw.length > 1 && raw.endsWith('/') ? raw.slice(0, -1) : raw;
  try {
    return trimmed
      .split('/')
      .map((segment) => segment.split(/%2f/i).map(decodeURIComponent).join('%2F'))
      .join('/');
  } catch {
    return UNREADABLE;
  }
}

export interface ObservedResponse {
  method: string;
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  /** The request target's path as sent (not normalised: the router reads it as written; a query may follow). */
  path: string;
  status: number;
  header: (name: string) => string | undefined;
  text: string;
}

function fail(res: ObservedResponse, what: string): never {
  throw new Error(`OpenAPI: ${res.method} ${res.path} -> ${res.status}: ${what}\n${res.text.slice(0, 1500)}`);
}

function parseJson(res: ObservedResponse): unknown {
  try {
    return JSON.parse(res.text);
  } catch {
    return fail(res, 'the body is not JSON');
  }
}

function expectProblem(res: ObservedResponse, why: string): void {
  const media = (res.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (media !== 'application/problem+json')
    fail(res, `${why}; expected an application/problem+json answer, got ${media || 'no content type'}`);
  const fn = problemValidator();
  if (!fn(parseJson(res))) fail(res, `${why}; the problem does not match ProblemDto: ${load().ajv.errorsText(fn.errors)}`);
}

/**
 * Checks one response of a registered Tracker origin against the document; throws when the document does not
 * describe it. Other origins and the paths outside the API pass unchecked.
 */
export function validateAgainstOpenApi(res: ObservedResponse): void {
  if (!origins.has(res.origin)) return;
  const path = routedPath(res.path);
  if (path === UNREADABLE) expectProblem(res, 'the router cannot read this path');
  else if (NOT_API.has(path) || path.startsWith('/docs/') || isConsolePage(path, res)) return;
  else check(res, path);
  validatedCount += 1;
}

function check(res: ObservedResponse, path: string): void {
  const { operations } = load();
  const method = res.method.toUpperCase();
  const lookup = method === 'HEAD' ? 'GET' : method;
  const onPath = operations.filter((o) => o.pattern.test(path));
  const operation = onPath.find((o) => o.method === lookup && o.path === onPath[0].path) ?? onPath.find((o) => o.method === lookup);
  if (!operation) {
    if (res.status >= 500) fail(res, 'no documented operation, and a server error');
    if (res.status < 400) fail(res, onPath.length ? `${method} is not documented on ${onPath[0].path}` : 'no documented path matches');
    return expectProblem(res, onPath.length ? `${method} is not documented on ${onPath[0].path}` : 'no documented path matches');
  }
  const status = String(res.status);
  const doc = operation.op.responses[status];
  if (!doc)
    fail(res, `${operation.op.operationId} documents no ${status} (it documents ${Object.keys(operation.op.responses).join(', ')})`);
  for (const [name, header] of Object.entries(doc.headers ?? {})) {
    if (header.required && res.header(name) === undefined)
      fail(res, `${operation.op.operationId} ${status}: the required header ${name} is missing`);
  }
  if (!doc.content) {
    if (res.text.length > 0) fail(res, `${operation.op.operationId} ${status} documents no body, but one came`);
    return;
  }
  if (method === 'HEAD') return;
  const media = (res.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  const documented = Object.keys(doc.content).find((m) => m.toLowerCase() === media);
  if (!documented)
    fail(
      res,
      `${operation.op.operationId} ${status}: content type ${media || '(none)'} is not one of ${Object.keys(doc.content).join(', ')}`,
    );
  if (documented === 'text/event-stream') return;
  const fn = schemaValidator(operation.path, operation.method, status, documented);
  if (!fn(parseJson(res))) fail(res, `${operation.op.operationId} ${status} ${documented}: ${load().ajv.errorsText(fn.errors)}`);
}
