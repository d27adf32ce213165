import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/platform/repo-root';
import { hostileBody, mutatedRecord } from './fuzz';

/*
 * The REST fuzz suite's route table, read from the OpenAPI document (docs/openapi.json, which
 * test/api/openapi.e2e-spec.ts keeps equal to what the app serves): every operation, its path and query
 * parameters and its body schema, and arbitraries built from those schemas. A new endpoint is fuzzed as soon
 * as the document describes it; a suite adds only what the document cannot say (values the store holds,
 * invariants to check afterwards).
 */

type Schema = Record<string, any>;
export interface OpenApiDocument {
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, Schema> };
}

export interface OperationParameter {
  name: string;
  required: boolean;
  schema: Schema;
}

export interface FuzzOperation {
  /** `METHOD /path`, the path as the document spells it: the key of a suite's per-route extras. */
  key: string;
  method: string;
  path: string;
  pathParams: OperationParameter[];
  queryParams: OperationParameter[];
  /** The JSON request body's schema, when the operation takes one. */
  body?: Schema;
  /** The 200 answer is a text/event-stream. */
  stream: boolean;
  /** Secured by NetApp's astra_api_token (the account routes): called with an account token. */
  astra: boolean;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

export function readOpenApiDocument(): OpenApiDocument {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'docs', 'openapi.json'), 'utf8')) as OpenApiDocument;
}

/** `schema` with its $refs (also at the top of parameters) resolved against the document. */
export function resolve(schema: Schema, doc: OpenApiDocument): Schema {
  let s = schema;
  for (let hops = 0; typeof s.$ref === 'string' && hops < 20; hops++) {
    const name = String(s.$ref).replace('#/components/schemas/', '');
    s = doc.components.schemas[name];
    if (!s) throw new Error(`unresolved ${schema.$ref}`);
  }
  return s;
}

/** Every operation of the document, in its order. */
export function openApiOperations(doc: OpenApiDocument): FuzzOperation[] {
  const out: FuzzOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS.filter((m) => item[m])) {
      const op = item[method];
      const params = ((op.parameters ?? []) as { name: string; in: string; required?: boolean; schema?: Schema }[]).map((p) => ({
        in: p.in,
        name: p.name,
        required: p.required === true,
        schema: resolve(p.schema ?? {}, doc),
      }));
      const content = op.requestBody?.content as Record<string, { schema?: Schema }> | undefined;
      const body = content?.['application/json']?.schema ?? Object.values(content ?? {})[0]?.schema;
      const ok = (op.responses?.['200']?.content ?? {}) as Record<string, unknown>;
      out.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path'),
        queryParams: params.filter((p) => p.in === 'query'),
        body: body && resolve(body, doc),
        stream: 'text/event-stream' in ok,
        astra: ((op.security ?? []) as Record<string, unknown>[]).some((s) => 'astra_api_token' in s),
      });
    }
  }
  return out;
}

const isoInstant = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString());

/** A pattern fast-check can generate from (no back-references), anchored as JSON Schema reads it. */
function fromPattern(pattern: string): fc.Arbitrary<string> | undefined {
  try {
    return fc.stringMatching(new RegExp(pattern));
  } catch {
    return undefined;
  }
}

/**
 * Values valid for `schema` as far as its keywords say (enum, pattern, format, bounds, properties), with the
 * document's example among them; objects as mutated records (fields valid, hostile or missing). Dates are
 * described by example only, so a string whose example is a date gets dates.
 */
export function schemaArbitrary(schema: Schema, doc: OpenApiDocument, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, doc);
  const example = s.example !== undefined ? [fc.constant(s.example as unknown)] : [];
  const oneOf = (arbs: fc.Arbitrary<unknown>[]) => (arbs.length === 1 ? arbs[0] : fc.oneof(...arbs));
  if (Array.isArray(s.enum) && s.enum.length > 0) return fc.constantFrom(...(s.enum as unknown[]));
  const alternatives = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (alternatives && depth < 4) {
    // anyOf beside keywords (type_astra_identifier: a string matching one of its patterns)
    const { anyOf: _a, oneOf: _o, ...rest } = s;
    return oneOf(alternatives.map((alt) => schemaArbitrary({ ...rest, ...resolve(alt, doc) }, doc, depth + 1)));
  }
  switch (s.type) {
    case 'integer':
    case 'number': {
      const min = typeof s.minimum === 'number' ? s.minimum : -1000;
      const max = typeof s.maximum === 'number' ? s.maximum : Math.max(min, 0) + 1000;
      return oneOf([...example, fc.integer({ min: Math.ceil(min), max: Math.floor(Math.min(max, min + 1e9)) })]);
    }
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const items = depth < 4 && s.items ? schemaArbitrary(s.items as Schema, doc, depth + 1) : fc.string({ maxLength: 20 });
      return oneOf([...example, fc.array(items, { maxLength: Math.min(typeof s.maxItems === 'number' ? s.maxItems : 3, 3) })]);
    }
    case 'object': {
      const properties = (s.properties ?? {}) as Record<string, Schema>;
      if (depth >= 4 || Object.keys(properties).length === 0)
        return fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 20 }), { maxKeys: 3 });
      return mutatedRecord(Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, schemaArbitrary(v, doc, depth + 1)])));
    }
    default: {
      if (s.format === 'uuid') return fc.uuid({ version: 4 });
      if (s.format === 'date-time') return isoInstant;
      if (typeof s.example === 'string' && !Number.isNaN(Date.parse(s.example)) && /^\d{4}-\d{2}-\d{2}/.test(s.example))
        return fc.oneof(
          example[0],
          isoInstant,
          isoInstant.map((d) => d.slice(0, 10)),
        );
      const patterned = typeof s.pattern === 'string' ? fromPattern(s.pattern) : undefined;
      if (patterned) return oneOf([...example, patterned]);
      const minLength = typeof s.minLength === 'number' ? s.minLength : 0;
      const maxLength = Math.min(typeof s.maxLength === 'number' ? s.maxLength : 40, 40);
      return oneOf([...example, fc.string({ minLength: Math.min(minLength, maxLength), maxLength })]);
    }
  }
}

/** A body for `schema`: a mutated record of it, now and then not an object at all or past the input bounds. */
export function bodyArbitrary(schema: Schema, doc: OpenApiDocument): fc.Arbitrary<unknown> {
  const arb = schemaArbitrary(schema, doc);
  return resolve(schema, doc).type === 'object' ? hostileBody(arb as fc.Arbitrary<Record<string, unknown>>) : arb;
}

/** A query or path value as text: strings as they are, everything else as JSON (numbers, booleans). */
export function asText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}
