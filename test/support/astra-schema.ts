import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ASTRA_PROBLEMS } from '../../src/platform/errors/problem-catalog';
import { REPO_ROOT } from '../../src/platform/repo-root';

/**
 * A verbatim copy of shared/spec/astra-openapi-excerpt.json (NetApp's published schemas), so CI needs no sibling
 * checkout; the OpenAPI document carries its schemas too (src/platform/openapi/astra-schemas.ts).
 */
const SPEC_PATH = join(REPO_ROOT, 'src', 'platform', 'openapi', 'astra-openapi-excerpt.json');

/**
 * Validates response bodies against NetApp's published schemas (astra-openapi-excerpt.json). The spec
 * gives userID, accountID and notificationID a media type as JSON `type`; they are identifier strings, so those
 * `type`s are read as `string` (the note closing the Astra Control API reference). Problems the excerpt does not
 * publish a schema for (7, 9, 32, 33, 35, 69 ...) get one built the same way from the catalog.
 */
function loadSpec(): { components: { schemas: Record<string, unknown> } } {
  const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8'));
  const fix = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(fix);
    if (!node || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if (typeof obj.type === 'string' && obj.type.startsWith('application/vnd.netapp.astra.')) obj.type = 'string';
    Object.values(obj).forEach(fix);
  };
  fix(spec);
  return spec;
}

const spec = loadSpec();
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec, 'astra');
const cache = new Map<string, ValidateFunction>();

function validator(name: string): ValidateFunction {
  let fn = cache.get(name);
  if (!fn) {
    const published = spec.components.schemas[name];
    const problem = /^astra_problem_detail_(\d+)$/.exec(name);
    if (published) fn = ajv.compile({ $ref: `astra#/components/schemas/${name}` });
    else if (problem && ASTRA_PROBLEMS[Number(problem[1])]) fn = ajv.compile(problemSchema(Number(problem[1])));
    else throw new Error(`no published schema ${name}`);
    cache.set(name, fn);
  }
  return fn;
}

function problemSchema(n: number): object {
  const p = ASTRA_PROBLEMS[n];
  const item = { type: 'object', required: ['name', 'reason'], properties: { name: { type: 'string' }, reason: { type: 'string' } } };
  return {
    type: 'object',
    required: ['type', 'title', 'detail', 'status'],
    properties: {
      type: { enum: [`https://astra.netapp.io/problems/${n}`] },
      title: { enum: [p.title] },
      detail: { enum: [p.detail] },
      status: { enum: [String(p.status)] },
      correlationID: { $ref: 'astra#/components/schemas/type_astra_identifier' },
      invalidParams: { type: 'array', minItems: 1, items: item },
      invalidFields: { type: 'array', minItems: 1, items: item },
    },
    additionalProperties: true,
  };
}

/** NetApp's published schema `name`, as this file reads the excerpt (identifier media types as strings). */
export function publishedAstraSchema(name: string): unknown {
  const published = spec.components.schemas[name];
  if (!published) throw new Error(`no published schema ${name}`);
  return structuredClone(published);
}

/** Fails with ajv's errors when `body` does not validate against the named published schema. */
export function expectAstraValid(schemaName: string, body: unknown): void {
  const fn = validator(schemaName);
  if (!fn(body)) {
    throw new Error(`response does not match ${schemaName}: ${ajv.errorsText(fn.errors)}\n${JSON.stringify(body, null, 2).slice(0, 2000)}`);
  }
}

/** An Astra problem response: the status, problem+json, and the published (or catalog) shape of problems/N. */
export function expectAstraProblem(res: { status: number; headers: Headers; body: unknown }, n: number): void {
  const p = ASTRA_PROBLEMS[n];
  if (res.status !== p.status) throw new Error(`expected HTTP ${p.status} problems/${n}, got ${res.status}: ${JSON.stringify(res.body)}`);
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/problem+json')) throw new Error(`expected application/problem+json, got ${type}`);
  expectAstraValid(`astra_problem_detail_${n}`, res.body);
}
