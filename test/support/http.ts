import { validateAgainstOpenApi } from './openapi-validator';

export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/**
 * A real HTTP call (Node's fetch); the body is parsed as JSON when the response says so. A Tracker app's answer
 * is checked against the OpenAPI document first (test/support/openapi-validator.ts): one it does not describe
 * fails the call.
 */
export async function http<T = any>(
  method: string,
  url: string,
  options: { body?: unknown; raw?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  let body: string | Buffer | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  const target = new URL(res.url || url);
  validateAgainstOpenApi({
    method,
    origin: target.origin,
    path: target.pathname,
    status: res.status,
    header: (name) => res.headers.get(name) ?? undefined,
    text,
  });
  const type = res.headers.get('content-type') ?? '';
  const parsed = /json/.test(type) && text.length > 0 ? JSON.parse(text) : text;
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

/** Polls `fn` until it returns a truthy value or the deadline passes (no fixed sleeps in tests). */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 15000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}
