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

export type Query = Record<string, string | number | boolean | undefined>;

export function pathWithQuery(path: string, query: Query = {}): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') q.set(key, String(value));
  const text = q.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * One call to the service's public API, same origin. The session's bearer token (when one was pasted) travels
 * in the Authorization header, never in the URL.
 */
export async function api<T>(
  method: string,
  path: string,
  options: { query?: Query; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json, */*' };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(pathWithQuery(path, options.query), {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
    credentials: 'omit',
    cache: 'no-store',
  });
  const text = await res.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = { detail: text };
    }
  }
  if (!res.ok) throw new ApiError(res.status, (body as Record<string, unknown> | undefined) ?? {});
  return body as T;
}
