import type { OpenAPIObject } from '@nestjs/swagger';
import { ASTRA_PROBLEMS } from '../errors/problem-catalog';
import { astraSchemas } from './astra-schemas';
import { checkDocumented } from './openapi-document';

function documentWith(op: Record<string, unknown>, path = '/things/{id}'): OpenAPIObject {
  return { openapi: '3.0.0', info: { title: 't', version: '1' }, paths: { [path]: { get: op } } } as unknown as OpenAPIObject;
}

const complete = {
  operationId: 'getThing',
  tags: ['things'],
  parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
  responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } },
};

describe('checkDocumented (the recipe, enforced when the document is built)', () => {
  it('accepts an operation with an explicit id, a tag, its path parameters and a 2xx schema', () => {
    expect(() => checkDocumented(documentWith(complete))).not.toThrow();
  });

  it.each([
    ['a generated operation id', { operationId: 'ThingsController_get' }, /no explicit operationId/],
    ['no tag', { tags: [] }, /no tag/],
    ['an undeclared path parameter', { parameters: [] }, /path parameter id is not declared/],
    ['no 2xx', { responses: { '404': { description: 'no' } } }, /no 2xx response/],
    ['a 2xx without content', { responses: { '200': { description: 'ok' } } }, /200 has no content/],
  ])('refuses %s', (_name, change, message) => {
    expect(() => checkDocumented(documentWith({ ...complete, ...change }))).toThrow(message);
  });

  it('refuses two operations with one id', () => {
    const doc = documentWith(complete);
    doc.paths['/other/{id}'] = { get: complete } as never;
    expect(() => checkDocumented(doc)).toThrow(/operationId getThing is also GET \/things\/\{id\}/);
  });
});

describe('astraSchemas', () => {
  const schemas = astraSchemas();

  it("carries NetApp's schemas under their names, identifier fields typed as strings", () => {
    const event = schemas['event_1.4_get_response_body'] as { properties: Record<string, { type?: string }> };
    expect(event.properties.userID.type).toBe('string');
    expect(event.properties.accountID.type).toBe('string');
    expect(JSON.stringify(schemas)).not.toContain('application/vnd.netapp.astra.');
  });

  it('has a schema for every problem in the catalog, published or built the same way', () => {
    for (const n of Object.keys(ASTRA_PROBLEMS))
      expect({ n, type: schemas[`astra_problem_detail_${n}`]?.properties?.type }).toEqual({
        n,
        type: { type: 'string', enum: [`https://astra.netapp.io/problems/${n}`] },
      });
    expect(schemas.astra_problem_detail_69.properties?.type).toEqual({ type: 'string', enum: ['https://astra.netapp.io/problems/69'] });
  });

  it('describes banners as notifications under their own type and version', () => {
    const banner = schemas['banner_1.0_get_response_body'];
    expect(banner.properties?.type).toMatchObject({ enum: ['application/astra-banner'] });
    expect(JSON.stringify(schemas['banner_1.0_list_response_body'])).toContain('banner_1.0_get_response_body');
  });
});
