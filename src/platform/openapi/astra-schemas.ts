import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import excerpt from './astra-openapi-excerpt.json';
import { ASTRA_PROBLEM_BASE, ASTRA_PROBLEMS } from '../errors/problem-catalog';

/**
 * NetApp's published Astra schemas (astra-openapi-excerpt.json, a verbatim copy of the spec's excerpt), carried
 * into Tracker's OpenAPI document under their published names, so a client generated from ours has NetApp's
 * types (`event_1.4_get_response_body`, `notification_1.3_list_response_body`, `astra_problem_detail_11`, ...).
 *
 * Two readings, both where the excerpt is not valid OpenAPI:
 * - it gives userID, accountID and notificationID a media type as JSON `type`
 *   (`application/vnd.netapp.astra.user`); they are identifier strings (the note closing the Astra Control API
 *   reference), so that `type` becomes `string`;
 * - the problems Astra lists but the excerpt carries no schema for (7, 9, 10, 32, 33, 34, 35, 41, 69, 85) get
 *   one built exactly like the published ones (fixed type, title, detail and status) from the problem catalog.
 */
export const ASTRA_SCHEMA_NAMES = Object.keys(excerpt.components.schemas);

function readable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(readable);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] =
      key === 'type' && typeof value === 'string' && value.startsWith('application/vnd.netapp.astra.') ? 'string' : readable(value);
  }
  return out;
}

const INVALID_ITEMS: SchemaObject = {
  type: 'array',
  items: {
    type: 'object',
    required: ['name', 'reason'],
    properties: { name: { type: 'string' }, reason: { type: 'string' } },
  },
};

/** An Astra problem's schema in the published shape (astra_problem_detail_1 is the model). */
export function astraProblemSchema(n: number): SchemaObject {
  const p = ASTRA_PROBLEMS[n];
  return {
    type: 'object',
    required: ['type', 'title', 'detail', 'status'],
    properties: {
      type: { type: 'string', enum: [`${ASTRA_PROBLEM_BASE}${n}`] },
      title: { type: 'string', enum: [p.title] },
      detail: { type: 'string', enum: [p.detail] },
      status: { type: 'string', enum: [String(p.status)] },
      correlationID: { $ref: '#/components/schemas/type_astra_identifier' },
      invalidParams: INVALID_ITEMS,
      invalidFields: INVALID_ITEMS,
    },
    additionalProperties: true,
  };
}

export const astraProblemName = (n: number) => `astra_problem_detail_${n}`;

/**
 * Banners are a Tracker extension (docs/astra-extensions.md) shaped like notification_1.3: the same schema with
 * their own type (application/astra-banner, version 1.0), and the list envelope of the notification list.
 */
function bannerSchemas(schemas: Record<string, SchemaObject>): Record<string, SchemaObject> {
  const notification = schemas['notification_1.3_get_response_body'];
  const properties = { ...(notification.properties as Record<string, SchemaObject>) };
  properties.type = { type: 'string', enum: ['application/astra-banner'], description: 'Media type of the resource.' };
  properties.version = { type: 'string', enum: ['1.0'], description: 'Version of the resource.' };
  const banner: SchemaObject = {
    ...notification,
    description: 'A Tracker extension: an active banner, in the shape of notification_1.3 under its own type and version.',
    properties,
  };
  const list = JSON.parse(JSON.stringify(schemas['notification_1.3_list_response_body'])) as SchemaObject;
  const listJson = JSON.stringify(list).replaceAll('notification_1.3_get_response_body', 'banner_1.0_get_response_body');
  return { 'banner_1.0_get_response_body': banner, 'banner_1.0_list_response_body': JSON.parse(listJson) as SchemaObject };
}

/** Every Astra schema the document carries: the published ones, the catalog's other problems, and banners. */
export function astraSchemas(): Record<string, SchemaObject> {
  const schemas = readable(excerpt.components.schemas) as Record<string, SchemaObject>;
  for (const n of Object.keys(ASTRA_PROBLEMS).map(Number)) schemas[astraProblemName(n)] ??= astraProblemSchema(n);
  return { ...schemas, ...bannerSchemas(schemas) };
}
