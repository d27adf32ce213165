import { Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../platform/config/app-config.service';
import type { CallParts } from '../platform/http/call-parts';
import type { OperationalDataAccess } from '../platform/metrics/operational-access';
import { bearerToken } from './bearer-token';
import { BearerVerifier } from './bearer-verifier';
import { authenticate, verifiedPrincipal } from './caller';
import { hasTrackerRole, requireTrackerRole } from './tracker-roles';

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/**
 * Who may read the service's operational data. Open to everyone while the tracker API is (TRACKER_AUTH off and
 * no METRICS_TOKEN): it shows nothing the API does not. Otherwise a call needs the static METRICS_TOKEN (what a
 * Prometheus scrape config carries) or a verified token with the tracker role reader (or above). AuthModule
 * provides it as platform's OperationalDataAccess (/metrics and the readiness counts ask through that).
 */
@Injectable()
export class TokenOperationalDataAccess implements OperationalDataAccess {
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
    return hasTrackerRole(principal, 'reader');
  }

  /** The same decision as a refusal: 401 without a valid token, 403 for a verified caller who may not read. */
  async requireReader(parts: CallParts): Promise<void> {
    if (this.isOpen() || this.carriesMetricsToken(parts)) return;
    requireTrackerRole(await authenticate(parts, this.verifier), 'reader', 'Reading the metrics');
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
