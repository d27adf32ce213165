import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from '../../../src/contract/api-types';
import { getToken } from '../token';

/** A refused call: the HTTP status and the problem+json body (title, detail, and extensions such as `holder`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Record<string, unknown>,
  ) {
    super(typeof problem.detail === 'string' ? problem.detail : typeof problem.title === 'string' ? problem.title : `HTTP ${status}`);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Every call carries the session's bearer token (when one was pasted) in the Authorization header, never in the
 * URL, and says it reads JSON and problem+json.
 */
const session: Middleware = {
  onRequest({ request }) {
    request.headers.set('accept', 'application/json, application/problem+json, */*');
    const token = getToken();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
};

/**
 * The service's public API, same origin, typed by the generated contract (src/contract/api-types.ts): a path the
 * API does not have, a parameter it does not take or a body it would refuse does not compile, and each answer
 * has the type the OpenAPI document gives it. No cookies, no HTTP cache (answers change under the page).
 */
export const api = createClient<paths>({ credentials: 'omit', cache: 'no-store' });
api.use(session);

/** What openapi-fetch resolves with: the parsed body of a 2xx, or an `error` (the parsed body of any other status). */
type Answer = { data?: unknown; error?: unknown; response: Response };
type Success<R extends Answer> = Extract<R, { error?: never }>;

/** openapi-fetch sets `error` exactly when the status is not 2xx (its parsed body, or undefined when empty). */
const succeeded = <R extends Answer>(answer: R): answer is Success<R> => !('error' in answer);

/**
 * The body of a successful call, typed by the contract; any other status rejects with an ApiError holding the
 * status and the problem (a body that is not JSON becomes its `detail`). An aborted call rejects with its AbortError.
 */
export async function ok<R extends Answer>(call: Promise<R>): Promise<Success<R>['data']> {
  const answer = await call;
  if (succeeded(answer)) return answer.data;
  const { error } = answer;
  throw new ApiError(answer.response.status, isRecord(error) ? error : typeof error === 'string' && error ? { detail: error } : {});
}
