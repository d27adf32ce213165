import SwaggerParser from '@apidevtools/swagger-parser';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTypes, OPENAPI_JSON, OPENAPI_TYPES } from '../../scripts/openapi';
import { runScenario, TrackerClient } from '../client/tracker-client';
import { startTestApp, TestApp } from '../support/app-harness';
import { expectAstraValid, publishedAstraSchema } from '../support/astra-schema';
import { createEvent } from '../support/astra-events';
import { mintToken } from '../support/auth';
import { reportFigure } from '../support/figures';
import { http } from '../support/http';
import { ObservedResponse, validateAgainstOpenApi } from '../support/openapi-validator';

/*
 * The OpenAPI document (issue 13): what GET /docs-json serves is valid OpenAPI 3, is exactly docs/openapi.json
 * (`npm run openapi` writes it), and the API types generated from it (src/contract/api-types.ts, which the tests,
 * the web console and the CLI import) are current; a client typed by them works against the live app. Every other e2e file has its responses checked against the
 * document by test/support/http.ts; the last tests here show that check refuses what the document does not say.
 */

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

describe('the OpenAPI document', () => {
  let app: TestApp;
  let served: any;

  beforeAll(async () => {
    app = await startTestApp();
    served = (await http('GET', `${app.http}/docs-json`)).body;
  });
  afterAll(() => app?.close());

  it('is valid OpenAPI 3 (swagger-parser), with an explicit operation id, tag and 2xx schema on every operation', async () => {
    await expect(SwaggerParser.validate(structuredClone(served))).resolves.toMatchObject({ openapi: '3.0.0', info: served.info });
    const ops = Object.values<Record<string, any>>(served.paths).flatMap((item) => METHODS.filter((m) => item[m]).map((m) => item[m]));
    for (const op of ops) {
      expect(op.operationId).toMatch(/^[a-z][A-Za-z]+$/);
      expect(op.tags.length).toBeGreaterThan(0);
    }
    reportFigure(`${ops.length} operations in ${Object.keys(served.paths).length} paths`);
  });

  it('is exactly docs/openapi.json (run `npm run openapi` after changing a route)', () => {
    expect(JSON.parse(readFileSync(OPENAPI_JSON, 'utf8'))).toEqual(served);
  });

  it('generates, with openapi-typescript, exactly the API types in src/contract/api-types.ts (`npm run openapi`)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracker-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(served));
      expect(generateTypes(file)).toBe(readFileSync(OPENAPI_TYPES, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('carries NetApp’s Astra schemas under their published names, and uses them for the Astra operations', () => {
    const schemas = served.components.schemas;
    for (const name of [
      'event_1.4_get_response_body',
      'event_1.4_list_response_body',
      'notification_1.3_get_response_body',
      'notification_1.3_list_response_body',
      'unreadNotification_1.0_get_response_body',
      'unreadNotification_1.0_list_response_body',
      'astra_problem_detail_1',
      'astra_problem_detail_11',
    ]) {
      expect({ name, schema: schemas[name] }).toEqual({ name, schema: publishedAstraSchema(name) });
    }
    const events = served.paths['/accounts/{account_id}/core/v1/events'];
    expect(events.get.operationId).toBe('listActivityEvents');
    expect(events.get.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/event_1.4_list_response_body',
    });
    expect(events.get.parameters.map((p: any) => p.name).sort()).toEqual(
      ['account_id', 'continue', 'count', 'filter', 'include', 'limit', 'orderBy', 'skip'].sort(),
    );
    expect(events.get.security).toEqual([{ astra_api_token: [] }]);
    expect(events.post.responses['201'].headers.Location.required).toBe(true);
    expect(served.paths['/api/v1alpha1/event'].post.security).toEqual([{}, { tracker_bearer: [] }]);
    expect(served.paths['/api/v1alpha1/event'].post.responses['200'].headers['idempotent-replayed']).toEqual({
      description: '`true` when this is the stored answer to an earlier request with the same Idempotency-Key',
      schema: { type: 'string', enum: ['true'] },
    });
  });

  it('types a client that creates, reads, lists and searches tracker events and lists Astra events', async () => {
    const accountId = randomUUID();
    await createEvent(app.http, accountId);
    const client = new TrackerClient(app.http, http, mintToken({ [accountId]: 'admin' }));
    const result = await runScenario(client, accountId);
    expect(result.read.id).toBe(result.created.id);
    expect(result.listed.events.map((e) => e.id)).toContain(result.created.id);
    expect(result.found.map((e) => e.id)).toContain(result.created.id);
    expect(result.activityCount).toBe(1);
    expectAstraValid('event_1.4_list_response_body', result.activity);
  });

  describe('the response check every e2e file goes through', () => {
    const valid = {
      id: '507f1f77bcf86cd799439011',
      title: 't',
      attributes: { type: 1, service: 's' },
      links: {},
      metadata: { createdAt: '2024-01-15T10:00:00.000Z', updatedAt: '2024-01-15T10:00:00.000Z' },
    };
    const answer = (over: Partial<ObservedResponse> & { body?: unknown }): ObservedResponse => ({
      method: 'GET',
      origin: new URL(app.http).origin,
      path: '/api/v1alpha1/event/507f1f77bcf86cd799439011',
      status: 200,
      header: (name) => ({ 'content-type': 'application/json; charset=utf-8' })[name.toLowerCase()],
      text: JSON.stringify(over.body ?? valid),
      ...over,
    });

    it('accepts what the document says', () => {
      expect(() => validateAgainstOpenApi(answer({}))).not.toThrow();
    });

    it('refuses a body that does not match the schema', () => {
      const { id: _id, ...withoutId } = valid;
      expect(() => validateAgainstOpenApi(answer({ body: withoutId }))).toThrow(/getEvent 200 application\/json: .*id/);
      expect(() => validateAgainstOpenApi(answer({ body: { ...valid, attributes: { type: 9, service: 's' } } }))).toThrow(/getEvent 200/);
    });

    it('refuses a status, a content type or a path the document does not describe', () => {
      expect(() => validateAgainstOpenApi(answer({ status: 418 }))).toThrow(/getEvent documents no 418/);
      expect(() => validateAgainstOpenApi(answer({ header: () => 'text/html' }))).toThrow(/content type text\/html/);
      expect(() => validateAgainstOpenApi(answer({ path: '/api/v1alpha1/nothing-here' }))).toThrow(/no documented path matches/);
      expect(() => validateAgainstOpenApi(answer({ status: 201, method: 'POST', path: '/accounts/x/core/v1/events', body: {} }))).toThrow(
        /the required header Location is missing/,
      );
    });

    it('refuses an error that is not a problem', () => {
      expect(() => validateAgainstOpenApi(answer({ status: 404, body: { message: 'not found' } }))).toThrow(/getEvent 404/);
    });
  });
});
