import { createHash } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';

/**
 * The policy of every response that is not a page: JSON, problems, probes, metrics, streams, assets. Nothing
 * it could load is allowed, and nobody may frame it.
 */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** Headers every HTTP response carries, whatever produced it. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': API_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/**
 * The Strict-Transport-Security value for HTTP_HSTS_MAX_AGE seconds, or undefined for 0 (none). Set only when
 * clients reach the service over https through a proxy: the header is meaningless, and ignored by browsers, on
 * the plain-http port itself, and once a browser has it, it refuses plain http to this host for that long.
 */
export function hstsHeader(maxAgeSeconds: number): string | undefined {
  return maxAgeSeconds > 0 ? `max-age=${maxAgeSeconds}; includeSubDomains` : undefined;
}

/** The routes that answer Swagger UI's page (SwaggerModule.setup('docs')); its assets are not pages. */
const DOCS_PAGE_ROUTES = new Set(['/docs', '/docs/index.html']);

/**
 * The one <style> element Swagger UI's script renders: the topbar logo's SVG (swagger-ui-dist's standalone
 * preset). Allowed by its hash like the page's own; a new version that changes it shows up as a violation in
 * test/service/security-headers.e2e-spec.ts.
 */
const SCRIPTED_STYLES = ['.logo_small_svg__cls-2{fill:#fff}.logo_small_svg__cls-3{fill:#85ea2d}'];

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The Swagger UI page's policy, derived from the page itself: @nestjs/swagger's template loads its scripts,
 * stylesheet and favicons from /docs/ (no inline script), but holds two inline <style> elements and one
 * style attribute (the hidden SVG sprite), and its script renders one more (SCRIPTED_STYLES); each is allowed by
 * its hash (the attribute's through 'unsafe-hashes', which admits no other), nothing else inline. swagger-ui.css
 * draws icons as data: images; "Try it out" calls the API on the same origin.
 */
export function docsPagePolicy(html: string): string {
  const elements = [...[...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map((m) => m[1]), ...SCRIPTED_STYLES].map(sha256);
  const attributes = [...html.matchAll(/\sstyle="([^"]*)"/g)].map((m) => sha256(m[1]));
  const styles = [...new Set(elements), ...(attributes.length > 0 ? ["'unsafe-hashes'", ...new Set(attributes)] : [])];
  return [
    "default-src 'none'",
    "script-src 'self'",
    ["style-src 'self'", ...styles].join(' '),
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Sends SECURITY_HEADERS on every response of `server`. They are set on the raw response as each request
 * arrives, before any handler runs, so every path gets them: routes, 404s, framework and parser errors (413),
 * probes, metrics, and streams written to the raw response. A handler's own value wins (Node lets the headers
 * given at writeHead override these): the web console sends its own policy. With `hstsMaxAge` (HTTP_HSTS_MAX_AGE)
 * above 0 they include Strict-Transport-Security. Swagger UI's page gets
 * docsPagePolicy, computed once per page text.
 */
export function sendSecurityHeaders(server: Server, fastify: FastifyInstance, options: { hstsMaxAge?: number } = {}): void {
  const hsts = hstsHeader(options.hstsMaxAge ?? 0);
  const headers = Object.entries(hsts ? { ...SECURITY_HEADERS, 'strict-transport-security': hsts } : SECURITY_HEADERS);
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    for (const [name, value] of headers) res.setHeader(name, value);
  });
  const policies = new Map<string, string>();
  fastify.addHook('onSend', (req, reply, payload, done) => {
    if (typeof payload === 'string' && DOCS_PAGE_ROUTES.has(req.routeOptions.url ?? '')) {
      let policy = policies.get(payload);
      if (!policy) policies.set(payload, (policy = docsPagePolicy(payload)));
      void reply.header('content-security-policy', policy);
    }
    done(null, payload);
  });
}
