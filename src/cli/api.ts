import { randomUUID } from 'node:crypto';
import createClient from 'openapi-fetch';
import type { paths } from '../contract/api-types';
import type { CliConfig } from './config';
import { CliError, ExitCode } from './exit-codes';
import { retryingFetch } from './retrying-fetch';

/** The typed client of the REST API, generated from docs/openapi.json (src/contract/api-types.ts). */
export type TrackerApi = ReturnType<typeof createClient<paths>>;

/** Sends one request with the CLI's retries (network errors, 429, 503). */
export type Send = (request: Request) => Promise<Response>;

export function retryingSend(config: CliConfig, onRetry?: (reason: string, delayMs: number, attempt: number) => void): Send {
  return retryingFetch({ attempts: config.attempts, maxDelayMs: config.maxDelayMs, onRetry });
}

export function authHeaders(config: CliConfig): Record<string, string> {
  return config.token ? { authorization: `Bearer ${config.token}` } : {};
}

export function trackerApi(config: CliConfig, send: Send): TrackerApi {
  return createClient<paths>({ baseUrl: config.url, headers: authHeaders(config), fetch: send });
}

/** A key per create: the retries of one create carry it, so the service stores the create once. */
export function idempotencyKey(): string {
  return `tracker-cli-${randomUUID()}`;
}

export interface Problem {
  type?: string;
  title?: string;
  detail?: string;
  status?: string;
  holder?: unknown;
  [member: string]: unknown;
}

/** A problem's one-line summary, e.g. `409 Locked: the lock is held by ci-1`. */
export function describeProblem(status: number, problem: unknown): string {
  const p = (problem ?? {}) as Problem;
  const title = p.title ?? `HTTP ${status}`;
  return p.detail ? `${status} ${title}: ${p.detail}` : `${status} ${title}`;
}

/** The 2xx body of an openapi-fetch answer, or CliError(Refused) carrying the problem. */
export async function answer<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>, what: string): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  throw new CliError(ExitCode.Refused, `${what}: ${describeProblem(response.status, error)}`, error);
}
