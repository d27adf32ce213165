import { QueryClient, queryOptions } from '@tanstack/react-query';
import type { MaybeOptionalInit } from 'openapi-fetch';
import type { paths } from '../../../src/contract/api-types';
import { onTokenChange } from '../token';
import { api, ApiError, ok } from './client';

/** The API paths that answer GET. */
export type GetPath = { [P in keyof paths]: paths[P] extends { get: object } ? P : never }[keyof paths];
/** What openapi-fetch takes for a GET of that path: its `params` (path and query), checked against the contract. */
type GetInit<P extends GetPath> = MaybeOptionalInit<paths[P], 'get'>;

/**
 * The cache key of a GET: the path as the contract spells it, then its parameters. Every query key is made here,
 * so a page's filters are its key, and `apiKey(path)` alone names every cached answer of that path (to invalidate
 * them after a change).
 */
export function apiKey<P extends GetPath>(path: P, params?: NonNullable<GetInit<P>>['params']): readonly unknown[] {
  return params === undefined ? [path] : [path, params];
}

/**
 * A GET of the API as a TanStack Query: `useQuery(apiQuery('/api/v1alpha1/locks', {}))`. The answer's type is the
 * contract's for that path; a superseded or unmounted query aborts its request.
 */
export function apiQuery<P extends GetPath>(path: P, init: GetInit<P>) {
  // openapi-fetch's init type depends on the path, which TypeScript cannot resolve while the path is a type
  // parameter: the init was checked against that path's at this function's call, and any init takes a signal.
  const get = api.GET as (path: P, init: GetInit<P> & { signal: AbortSignal }) => ReturnType<typeof api.GET<P, GetInit<P>>>;
  return queryOptions({
    queryKey: apiKey(path, init?.params),
    queryFn: ({ signal }) => ok(get(path, { ...init, signal })),
  });
}

/**
 * The console's query cache. Every mount of a page asks again (answers change under it: staleTime 0), showing the
 * cached answer meanwhile; a refused call (4xx) is not retried, a failed one twice. When the session's token
 * changes, every answer is dropped and the queries on screen run again: what one token may see is never shown
 * under another.
 */
export function createQueryClient(): QueryClient {
  const client = new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 0,
        retry: (failures, error) => failures < 2 && !(error instanceof ApiError && error.status < 500),
      },
    },
  });
  onTokenChange(() => void client.resetQueries());
  return client;
}
