import { Injectable } from '@nestjs/common';
import { DomainError, ForbiddenError, InvalidInputError } from '../../platform/errors/domain-errors';
import { AppConfig } from '../../platform/config/app-config.service';
import type { SignedBody } from '../../platform/http/raw-body';
import { FLUX_SOURCE, fluxRevision, planFluxEvent } from './domain/flux-mapping';
import { at, optionalText } from './domain/intake-plan';
import { IntakeAnswer, IntakeWriter } from './intake-writer';
import { verifyHmacSha256 } from './webhook-auth';

/** The Flux intake: notification-controller events (Provider generic-hmac, or generic when allowed) in. */
@Injectable()
export class FluxIntakeService {
  constructor(
    private readonly config: AppConfig,
    private readonly writer: IntakeWriter,
  ) {}

  async receive(signature: string | undefined, body: SignedBody): Promise<IntakeAnswer> {
    const { fluxWebhookSecret: secret, fluxAllowUnsigned: allowUnsigned } = this.config.intake;
    if (secret && (signature !== undefined || !allowUnsigned)) verifyHmacSha256(secret, body.raw, signature, 'X-Signature');
    else if (!secret && !allowUnsigned)
      throw new ForbiddenError('FLUX_WEBHOOK_SECRET is not configured: Tracker cannot verify Flux deliveries, so it takes none.');
    else if (!secret && signature !== undefined)
      throw new DomainError('invalid-signature', 'X-Signature cannot be checked: FLUX_WEBHOOK_SECRET is not configured.');
    if (body.error) throw body.error;
    const payload = body.parsed;
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
      throw InvalidInputError.field('body', 'must be a JSON object');
    const plan = planFluxEvent({ payload, defaultEnvironment: this.config.intake.fluxEnvironment }, this.config.intake.environments);
    // Flux sends no delivery id and repeats events: one (object, revision, reason) is recorded once.
    // (The plan has checked uid and reason are text.)
    const reason = optionalText(payload, 'reason') ?? 'none';
    const key = [FLUX_SOURCE, optionalText(payload, 'involvedObject.uid') ?? '', fluxRevision(at(payload, 'metadata')) ?? '', reason];
    return this.writer.record('flux', reason, key, undefined, plan);
  }
}
