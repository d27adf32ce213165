import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { bearerToken } from '../common/auth/bearer-token';
import { BearerVerifier } from '../common/auth/bearer-verifier';
import { authenticate, CallParts, callParts, verifiedPrincipal } from '../common/auth/caller';
import type { Principal } from '../common/auth/roles';
import { ForbiddenError } from '../common/errors/domain-errors';
import { AppConfig } from '../config/app-config.service';

/**
 * Whether a verified caller may read operational data (/metrics, the document counts of /health/ready).
 * Tracker roles (reader < writer < admin) are being added at the same time as this: when they land, this is
 * where "reader or above" is checked. Until then every verified token may read.
 */
export function mayReadOperationalData(_principal: Principal): boolean {
  return true;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/**
 * Who may read the service's operational data. Open to everyone while the tracker API is (TRACKER_AUTH off and
 * no METRICS_TOKEN): it shows nothing the API does not. Otherwise a call needs the static METRICS_TOKEN (what a
 * Prometheus scrape config carries) or a verified token allowed by mayReadOperationalData.
 */
@Injectable()
export class OperationalDataAccess {
  private readonly metricsTokenDigest?: Buffer;

  constructor(
    private readonly config: AppConfig,
    private readonly verifier: BearerVerifier,
  ) {
    const token = config.metrics.token;
    this.metricsTokenDigest = token === undefined ? undefined : sha256(token);
  }

  /** Whether this call may read; a missing or bad token is simply "no". */
  async mayRead(parts: CallParts): Promise<boolean> {
    if (this.isOpen() || this.carriesMetricsToken(parts)) return true;
    const principal = await verifiedPrincipal(parts, this.verifier);
    return principal !== undefined && mayReadOperationalData(principal);
  }

  /** The same decision as a refusal: 401 without a valid token, 403 for a verified caller who may not read. */
  async requireReader(parts: CallParts): Promise<void> {
    if (this.isOpen() || this.carriesMetricsToken(parts)) return;
    if (!mayReadOperationalData(await authenticate(parts, this.verifier)))
      throw new ForbiddenError('Reading the metrics needs the tracker role reader.');
  }

  private isOpen(): boolean {
    return !this.config.auth.trackerAuthRequired && this.metricsTokenDigest === undefined;
  }

  /** Compared as SHA-256 digests in constant time: neither the token's characters nor its length leak. */
  private carriesMetricsToken(parts: CallParts): boolean {
    if (!this.metricsTokenDigest) return false;
    let token: string;
    try {
      token = bearerToken(parts.authorization);
    } catch {
      return false;
    }
    return timingSafeEqual(sha256(token), this.metricsTokenDigest);
  }
}

/** /metrics: refused (401/403) to callers who may not read operational data. */
@Injectable()
export class OperationalReaderGuard implements CanActivate {
  constructor(private readonly access: OperationalDataAccess) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    await this.access.requireReader(callParts(context));
    return true;
  }
}
