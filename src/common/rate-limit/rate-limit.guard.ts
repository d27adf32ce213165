import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { createHash } from 'node:crypto';

const UNLIMITED_PREFIXES = ['/health', '/metrics', '/docs'];

/**
 * Per-caller request budget on HTTP: a bearer token is one caller (whatever IP it comes from), otherwise the
 * client IP. Probes, metrics and docs are never limited. The counters are per instance (in memory).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const url: string = context.switchToHttp().getRequest<{ url: string }>().url ?? '';
    return UNLIMITED_PREFIXES.some((p) => url === p || url.startsWith(`${p}/`) || url.startsWith(`${p}?`));
  }

  protected override async getTracker(req: Record<string, any>): Promise<string> {
    const auth = req.headers?.authorization;
    if (typeof auth === 'string' && auth.length > 0) {
      return `token:${createHash('sha256').update(auth).digest('hex').slice(0, 32)}`;
    }
    return `ip:${req.ip ?? req.socket?.remoteAddress ?? 'unknown'}`;
  }
}
