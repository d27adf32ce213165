import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiParam, ApiQuery, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { HeadersObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { astraProblemName } from './astra-schemas';
import { ProblemDto } from './problem.dto';

/*
 * The shared pieces every REST handler documents itself with (docs/architecture.md, "Documenting an endpoint").
 * Handlers name what is theirs (operation id, 2xx body and headers, their own 4xx); the document builder
 * (openapi-document.ts) adds what the platform answers on every route (429, 500, 503, and 400/413/415 where a
 * body is read).
 */

export const PROBLEM_JSON = 'application/problem+json';

/** The security scheme of the Astra routes: NetApp's own name, a bearer JWT. */
export const ASTRA_SECURITY = 'astra_api_token';
/** The tracker routes' scheme: a bearer JWT, required only when TRACKER_AUTH=required (optional in the document). */
export const TRACKER_SECURITY = 'tracker_bearer';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const RETRY_AFTER_HEADER: HeadersObject = {
  'Retry-After': { description: 'Seconds to wait before retrying', required: true, schema: { type: 'integer', minimum: 1 } },
};

export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? String(status);
}

/** The problem+json content of a response: Tracker's problem, or the Astra problems given by number. */
export function problemContent(schema: SchemaObject | { $ref: string }) {
  return { [PROBLEM_JSON]: { schema } };
}

/**
 * A reference to one of the document's schemas by name (NetApp's, e.g. `type_astra_identifier`), typed as the
 * SchemaObject that ApiParam and ApiQuery take.
 */
export const schemaRef = (name: string): SchemaObject => ({ $ref: `#/components/schemas/${name}` }) as SchemaObject;

/** An Astra identifier path parameter (a UUIDv4, UUIDv5 or the nil UUID). */
export const ApiAstraIdParam = (name: string, description?: string) =>
  ApiParam({ name, description, schema: schemaRef('type_astra_identifier') });

export const trackerProblemSchema = () => ({ $ref: getSchemaPath(ProblemDto) });
export const astraProblemsSchema = (numbers: number[]): SchemaObject =>
  numbers.length === 1 ? schemaRef(astraProblemName(numbers[0])) : { anyOf: numbers.map((n) => schemaRef(astraProblemName(n))) };

/**
 * Tracker problem responses (application/problem+json, ProblemDto) for the given statuses, each described.
 * E.g. `@ApiProblems({ 404: 'No event with this id', 409: 'urn:tracker:problems:locked' })`. 401 is documented
 * by @TrackerApi() already; 429, 500, 503 and the body-reading 400/413/415 by the document builder.
 */
export const ApiProblems = (statuses: Record<number, string>, schema?: { $ref: string }) =>
  applyDecorators(
    ApiExtraModels(ProblemDto),
    ...Object.entries(statuses).map(([status, description]) =>
      ApiResponse({
        status: Number(status),
        description,
        content: problemContent(schema ?? trackerProblemSchema()),
        headers: Number(status) === 429 || Number(status) === 503 ? RETRY_AFTER_HEADER : undefined,
      }),
    ),
  );

/**
 * Astra problem responses in NetApp's published shapes: status -> the problem numbers it can carry, e.g.
 * `@ApiAstraProblems({ 404: [1] })`.
 */
export const ApiAstraProblems = (statuses: Record<number, number[]>, description?: Record<number, string>) =>
  applyDecorators(
    ...Object.entries(statuses).map(([status, numbers]) =>
      ApiResponse({
        status: Number(status),
        description: description?.[Number(status)] ?? statusText(Number(status)),
        content: problemContent(astraProblemsSchema(numbers)),
      }),
    ),
  );

/**
 * A class decorator for an account-scoped Astra controller: the bearer token (NetApp's `astra_api_token`), the
 * account_id path parameter, and what AccountGuard and the Astra conventions answer on every one of its routes
 * (400 problems/5, 6, 7, 9, 33, 35; 401 problems/3, 4; 403 problems/11; 406 problems/32).
 */
export const ApiAstraAccountRoutes = () =>
  applyDecorators(
    ApiBearerAuth(ASTRA_SECURITY),
    ApiParam({
      name: 'account_id',
      description: 'Account UUID (must be in the bearer token)',
      schema: schemaRef('type_astra_identifier'),
    }),
    ApiAstraProblems(
      { 400: [5, 6, 7, 9, 33, 35], 401: [3, 4], 403: [11], 406: [32] },
      {
        400: 'problems/33 for a malformed account_id, 35 for a malformed resource id, 5/6 for bad or unknown query parameters, 7/9 for a bad body',
        401: 'problems/3 without a bearer token, 4 with an invalid one',
        403: 'problems/11: the account is not in the token, or the role may not do this',
        406: 'problems/32: Accept names nothing this resource is served as',
      },
    ),
  );

const ASTRA_LIST_PARAMS: { name: string; schema: string; description: string; example?: string }[] = [
  {
    name: 'include',
    schema: 'query_include',
    description: 'Fields to return, in order; each item becomes an array of them',
    example: 'id,summary',
  },
  {
    name: 'limit',
    schema: 'query_limit',
    description: 'Page size (at most 1000; larger is clamped, with metadata.continue)',
    example: '2',
  },
  {
    name: 'skip',
    schema: 'query_skip',
    description: 'Resources to skip (0 is accepted too; from the continue position when both are given)',
  },
  { name: 'continue', schema: 'query_continue', description: 'metadata.continue of the previous page (empty: from the start)' },
  {
    name: 'filter',
    schema: 'query_filter',
    description: "Conditions, AND-ed: `field op 'value'` with eq, lt, gt, lte, gte, in; repeatable, comma-separated",
    example: "severity eq 'warning'",
  },
  { name: 'orderBy', schema: 'query_orderBy', description: 'One field, optionally followed by ` desc`', example: 'eventTime desc' },
  { name: 'count', schema: 'query_count', description: '`true` adds metadata.count (all matching resources)' },
];

/** The Astra collection query parameters (the Astra Control API reference, section 2), NetApp's schemas. */
export const ApiAstraListQuery = () =>
  applyDecorators(
    ...ASTRA_LIST_PARAMS.map((p) =>
      ApiQuery({
        name: p.name,
        required: false,
        description: p.description,
        schema: schemaRef(p.schema),
        example: p.example,
      }),
    ),
  );

/**
 * The 2xx body of an Astra operation: one of NetApp's schemas by name, served as application/json or the
 * resource's own media type (content negotiation, @AstraMediaType).
 */
export const ApiAstraResponse = (
  status: number,
  schemaName: string,
  mediaType: string,
  options: { description: string; headers?: HeadersObject },
) =>
  ApiResponse({
    status,
    description: options.description,
    headers: options.headers,
    content: Object.fromEntries(
      ['application/json', mediaType].map((m) => [m, { schema: { $ref: `#/components/schemas/${schemaName}` } }]),
    ),
  });

export const LOCATION_HEADER = (description: string): HeadersObject => ({
  Location: { description, required: true, schema: { type: 'string' } },
});

/** Set on the answer to a repeated request with the same Idempotency-Key (the first answer, replayed). */
export const IDEMPOTENT_REPLAYED_HEADER: HeadersObject = {
  'idempotent-replayed': {
    description: '`true` when this is the stored answer to an earlier request with the same Idempotency-Key',
    schema: { type: 'string', enum: ['true'] },
  },
};
