import { applyDecorators, CallHandler, ExecutionContext, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { ApiProduces } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Observable, tap } from 'rxjs';
import { DomainError } from '../platform/errors/domain-errors';

interface Range {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(header: string): Range[] {
  const ranges: Range[] = [];
  for (const part of header.split(',')) {
    const [media, ...params] = part.trim().split(';');
    const [type, subtype] = media.trim().toLowerCase().split('/');
    if (!type || !subtype) continue;
    let q = 1;
    for (const p of params) {
      const [k, v] = p.trim().split('=');
      if (k?.trim().toLowerCase() === 'q') q = Number(v);
    }
    ranges.push({ type, subtype, q: Number.isFinite(q) ? q : 0 });
  }
  return ranges;
}

/** How well `range` matches `media` (3 exact, 2 type/*, 1 * / *, 0 no match). */
function specificity(range: Range, media: string): number {
  const [type, subtype] = media.toLowerCase().split('/'); // media types are case-insensitive (astra-unreadNotification)
  if (range.type === type && range.subtype === subtype) return 3;
  if (range.type === type && range.subtype === '*') return 2;
  return range.type === '*' && range.subtype === '*' ? 1 : 0;
}

/**
 * Astra content negotiation (the Astra Control API reference, section 2, HTTP headers): no Accept, `*\/*` or
 * `application/json` -> application/json; naming the resource media type -> that type; nothing servable ->
 * 406 problems/32. Each offered type takes the q of its most specific matching range; the highest q wins; a
 * tie goes to the more specific match, and when both are named exactly, to the resource's own media type.
 */
export function negotiate(accept: unknown, resourceMediaType: string): string {
  const header = Array.isArray(accept) ? accept.join(',') : accept;
  if (typeof header !== 'string' || header.trim() === '') return 'application/json';
  const ranges = parseAccept(header);
  let best: { media: string; q: number; spec: number } | undefined;
  for (const media of ['application/json', resourceMediaType]) {
    let match: { q: number; spec: number } | undefined;
    for (const r of ranges) {
      const spec = specificity(r, media);
      if (spec > 0 && (!match || spec > match.spec)) match = { q: r.q, spec };
    }
    if (!match || match.q <= 0) continue;
    const better =
      !best || match.q > best.q || (match.q === best.q && (match.spec > best.spec || (match.spec === 3 && media === resourceMediaType)));
    if (better) best = { media, ...match };
  }
  if (!best) {
    throw new DomainError(
      'not-acceptable',
      `Cannot answer in ${header}; this resource is served as application/json or ${resourceMediaType}.`,
    );
  }
  return best.media;
}

/**
 * Negotiates before the handler runs (an unservable Accept is 406 problems/32 and nothing is created), after
 * the guards (401/403 come first); on success the response carries the negotiated content type.
 */
export class ContentNegotiationInterceptor implements NestInterceptor {
  constructor(private readonly resourceMediaType: string) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const media = negotiate(http.getRequest<FastifyRequest>().headers.accept, this.resourceMediaType);
    const reply = http.getResponse<FastifyReply>();
    return next.handle().pipe(tap(() => void reply.header('content-type', media)));
  }
}

/**
 * An Astra handler serving `mediaType` (e.g. application/astra-event+json) or application/json, as the
 * request's Accept asks: the one place REST handlers get content negotiation and their content type.
 */
export const AstraMediaType = (mediaType: string) =>
  applyDecorators(UseInterceptors(new ContentNegotiationInterceptor(mediaType)), ApiProduces('application/json', mediaType));
