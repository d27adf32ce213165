/** A query-string value; empty ones (undefined or '') are left out. */
export type QueryValue = string | number | boolean | undefined;

/**
 * `path?query` without empty values: the console's one query-string builder (page URLs, whose state is their
 * query, and the live streams' URLs; API calls go through openapi-fetch, which builds its own).
 */
export function withQuery(path: string, params: Record<string, QueryValue>): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') q.set(key, String(value));
  const text = q.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * The parameters of `path` when it matches `pattern` (`/events/:id`: a `:name` segment matches one non-empty
 * segment, decoded), or undefined.
 */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) {
      if (!got[i]) return undefined;
      try {
        params[want[i].slice(1)] = decodeURIComponent(got[i]);
      } catch {
        return undefined; // a malformed escape matches nothing
      }
    } else if (want[i] !== got[i]) return undefined;
  }
  return params;
}

/** The first route whose path matches, with its parameters. */
export function findRoute<R extends { path: string }>(
  routes: readonly R[],
  path: string,
): { route: R; params: Record<string, string> } | undefined {
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (params) return { route, params };
  }
  return undefined;
}
