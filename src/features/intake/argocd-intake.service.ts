import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../idempotency/idempotency-key';
import { InvalidInputError } from '../../platform/errors/domain-errors';
import { AppConfig } from '../../platform/config/app-config.service';
import type { SignedBody } from '../../platform/http/raw-body';
import { ARGOCD_SOURCE, planArgocdNotification } from './domain/argocd-mapping';
import { IntakeAnswer, IntakeWriter } from './intake-writer';
import { bearerToken, configuredSecret, verifyToken } from './webhook-auth';

/** The Argo CD intake: the shipped notification template's body (deploy/argocd/notifications.yaml) in. */
@Injectable()
export class ArgocdIntakeService {
  constructor(
    private readonly config: AppConfig,
    private readonly writer: IntakeWriter,
  ) {}

  async receive(authorization: string | undefined, body: SignedBody): Promise<IntakeAnswer> {
    const token = configuredSecret(this.config.intake.argocdWebhookToken, 'ARGOCD_WEBHOOK_TOKEN', 'Argo CD');
    verifyToken(token, bearerToken(authorization), 'Authorization (Bearer)');
    if (body.error) throw body.error;
    const payload = body.parsed;
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
      throw InvalidInputError.field('body', 'must be a JSON object');
    const plan = planArgocdNotification(payload, this.config.intake.environments);
    // Argo CD names no delivery: a notification is its content. The same content again (on-deployed firing
    // again for the same revision) is a repeat and stores nothing.
    const digest = createHash('sha256').update(canonicalJson(payload)).digest('hex');
    return this.writer.record('argocd', 'notification', [ARGOCD_SOURCE, digest], undefined, plan);
  }
}
