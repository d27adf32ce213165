import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';

/**
 * The console's Content-Security-Policy: its own scripts and styles only (no inline script or style element),
 * fetches and streams to its own origin only, no framing, no plugins. React sets style properties through the
 * CSSOM, which style-src does not govern; the favicon is an empty data: URI (no request).
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Hashed build output: the name changes whenever the content does. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * First path segments that belong to the APIs, the docs and the probes: an unknown path under them answers the
 * service's own 404 (problem+json), never the console's page. Only paths no route matched reach this check.
 */
const NOT_CONSOLE = new Set(['api', 'accounts', 'docs', 'docs-json', 'docs-yaml', 'health', 'metrics', 'assets']);

function consoleHeaders(reply: FastifyReply): void {
  void reply.header('content-security-policy', CONSOLE_CSP);
  void reply.header('x-content-type-options', 'nosniff');
  void reply.header('referrer-policy', 'no-referrer');
}

export interface WebConsoleOptions {
  /** web/dist: index.html and assets/ as `vite build` writes them */
  root: string;
}

/**
 * Serves the built web console (web/): hashed files under /assets/ (cached for a year, immutable), and the page
 * itself at `/` and at every path no route matched outside the API namespaces (no-cache, so a new build is
 * picked up at once). GET and HEAD only. Returns false (serving nothing) when the console was not built.
 */
export async function serveWebConsole(app: NestFastifyApplication, { root }: WebConsoleOptions): Promise<boolean> {
  const indexFile = join(root, 'index.html');
  if (!existsSync(indexFile)) return false;
  const page = readFileSync(indexFile);

  await app.register(fastifyStatic, {
    root: join(root, 'assets'),
    prefix: '/assets/',
    // One route per built file, fixed at boot: nothing else under /assets/ is ever read from disk.
    wildcard: false,
    // Swagger UI's file server decorates the reply already.
    decorateReply: false,
    index: false,
    dotfiles: 'deny',
    cacheControl: false,
    setHeaders: (reply: FastifyReply) => {
      consoleHeaders(reply);
      void reply.header('cache-control', IMMUTABLE);
    },
  });

  const fastify = app.getHttpAdapter().getInstance();
  const sendPage = (reply: FastifyReply) => {
    consoleHeaders(reply);
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(page);
  };
  fastify.get('/', (_req, reply) => sendPage(reply));
  // The router tries every static and parametric route first: only otherwise-unmatched GETs land here.
  fastify.get('/*', (req, reply) => {
    const segments = (req.params as { '*': string })['*'].split('/');
    // Any spelling (`/API/...`): the router is case-sensitive, so such a path is no route, and no page either.
    // Nor is a path no client-side route looks like: an empty inner segment (`//api/...`), `.` or `..`.
    const odd = segments.some((segment, i) => segment === '.' || segment === '..' || (segment === '' && i < segments.length - 1));
    if (odd || NOT_CONSOLE.has(segments[0].toLowerCase())) return reply.callNotFound();
    return sendPage(reply);
  });
  return true;
}
