import { status as GrpcStatus } from '@grpc/grpc-js';
import { ErrorKind } from './domain-errors';

/** HTTP status and gRPC code per error kind. */
export const KIND_STATUS: Record<ErrorKind, { http: number; grpc: GrpcStatus; slug: string; title: string }> = {
  'invalid-input': { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT, slug: 'invalid-input', title: 'Invalid input' },
  'invalid-query': { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT, slug: 'invalid-query', title: 'Invalid query parameters' },
  'unsupported-query': { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT, slug: 'unsupported-query', title: 'Query parameters not supported' },
  'malformed-json': { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT, slug: 'malformed-json', title: 'Invalid JSON payload' },
  'invalid-account-id': { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT, slug: 'invalid-account-id', title: 'Invalid account ID' },
  'invalid-resource-id': { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT, slug: 'invalid-resource-id', title: 'Invalid resource ID' },
  unauthenticated: { http: 401, grpc: GrpcStatus.UNAUTHENTICATED, slug: 'unauthenticated', title: 'Missing bearer token' },
  'invalid-token': { http: 401, grpc: GrpcStatus.UNAUTHENTICATED, slug: 'invalid-token', title: 'Invalid bearer token' },
  'invalid-signature': { http: 401, grpc: GrpcStatus.UNAUTHENTICATED, slug: 'invalid-signature', title: 'Invalid signature' },
  forbidden: { http: 403, grpc: GrpcStatus.PERMISSION_DENIED, slug: 'forbidden', title: 'Operation not permitted' },
  'not-found': { http: 404, grpc: GrpcStatus.NOT_FOUND, slug: 'not-found', title: 'Resource not found' },
  'collection-not-found': { http: 404, grpc: GrpcStatus.NOT_FOUND, slug: 'not-found', title: 'Collection not found' },
  'method-not-allowed': { http: 405, grpc: GrpcStatus.UNIMPLEMENTED, slug: 'method-not-allowed', title: 'Method not supported' },
  'not-acceptable': { http: 406, grpc: GrpcStatus.INVALID_ARGUMENT, slug: 'not-acceptable', title: 'Unsupported content type' },
  conflict: { http: 409, grpc: GrpcStatus.ALREADY_EXISTS, slug: 'conflict', title: 'Conflict' },
  locked: { http: 409, grpc: GrpcStatus.ALREADY_EXISTS, slug: 'locked', title: 'Locked by another owner' },
  frozen: { http: 409, grpc: GrpcStatus.FAILED_PRECONDITION, slug: 'frozen', title: 'Change freeze in effect' },
  'not-lock-owner': { http: 403, grpc: GrpcStatus.PERMISSION_DENIED, slug: 'not-lock-owner', title: 'Not the lock owner' },
  'payload-too-large': { http: 413, grpc: GrpcStatus.RESOURCE_EXHAUSTED, slug: 'payload-too-large', title: 'Request body too large' },
  'unsupported-media-type': {
    http: 415,
    grpc: GrpcStatus.INVALID_ARGUMENT,
    slug: 'unsupported-media-type',
    title: 'Unsupported media type',
  },
  'cursor-expired': { http: 410, grpc: GrpcStatus.OUT_OF_RANGE, slug: 'cursor-expired', title: 'Stream cursor expired' },
  'rate-limited': { http: 429, grpc: GrpcStatus.RESOURCE_EXHAUSTED, slug: 'rate-limited', title: 'Too many requests' },
  unavailable: { http: 503, grpc: GrpcStatus.UNAVAILABLE, slug: 'unavailable', title: 'Service not ready' },
};

/** Astra's published problem types (the Astra Control API reference, section 4), used verbatim on /accounts routes. */
export const ASTRA_PROBLEMS: Record<number, { status: number; title: string; detail: string }> = {
  1: { status: 404, title: 'Resource not found', detail: "The resource specified in the request URI wasn't found." },
  2: { status: 404, title: 'Collection not found', detail: "The collection specified in the request URI wasn't found." },
  3: { status: 401, title: 'Missing bearer token', detail: 'The request is missing the required bearer token.' },
  4: { status: 401, title: 'Invalid bearer token', detail: "The bearer token provided is invalid, revoked, or doesn't exist." },
  5: { status: 400, title: 'Invalid query parameters', detail: 'The supplied query parameters are invalid.' },
  6: { status: 400, title: 'Query parameters not supported', detail: "The supplied query parameters aren't supported for this endpoint." },
  7: { status: 400, title: 'Invalid JSON payload', detail: 'The request body is not valid JSON.' },
  9: { status: 400, title: 'Invalid JSON resource', detail: "The request body JSON didn't pass extended validation." },
  10: {
    status: 409,
    title: 'JSON resource conflict',
    detail: 'The request body JSON contains a field that conflicts with an idempotent value.',
  },
  11: { status: 403, title: 'Operation not permitted', detail: "The requested operation isn't permitted." },
  32: { status: 406, title: 'Unsupported content type', detail: "The response can't be returned in the requested format." },
  33: { status: 400, title: 'Invalid account ID', detail: "The specified account ID isn't in the appropriate format." },
  34: { status: 500, title: 'Internal server error', detail: 'The server was unable to process this request.' },
  35: { status: 400, title: 'Invalid resource ID', detail: "The resource ID isn't in the appropriate format." },
  41: { status: 503, title: 'Service not ready', detail: "Currently, the service can't respond to this request." },
  69: { status: 405, title: 'Method not supported', detail: "The requested method isn't supported for the specified resource." },
  85: { status: 413, title: 'Request body too large', detail: 'The request body is larger than the service accepts.' },
};

/**
 * Which Astra problem each error kind becomes on /accounts routes. Kinds Astra publishes no problem for
 * (rate limit, media type) keep the Astra shape with Tracker's own type.
 */
export const ASTRA_PROBLEM_BY_KIND: Partial<Record<ErrorKind, number>> = {
  'invalid-input': 9,
  'invalid-query': 5,
  'unsupported-query': 6,
  'malformed-json': 7,
  'invalid-account-id': 33,
  'invalid-resource-id': 35,
  unauthenticated: 3,
  'invalid-token': 4,
  forbidden: 11,
  'not-found': 1,
  'collection-not-found': 2,
  'method-not-allowed': 69,
  'not-acceptable': 32,
  conflict: 10,
  'payload-too-large': 85,
  unavailable: 41,
};

export const TRACKER_PROBLEM_BASE = 'urn:tracker:problems:';
export const ASTRA_PROBLEM_BASE = 'https://astra.netapp.io/problems/';
