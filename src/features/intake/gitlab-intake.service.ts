import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { InvalidInputError } from '../../platform/errors/domain-errors';
import { AppConfig } from '../../platform/config/app-config.service';
import type { SignedBody } from '../../platform/http/raw-body';
import { GITLAB_SOURCE, planGitlabDelivery } from './domain/gitlab-mapping';
import { at } from './domain/intake-plan';
import { IntakeAnswer, IntakeWriter } from './intake-writer';
import { configuredSecret, verifyToken } from './webhook-auth';

/** The GitLab headers a delivery is read by. */
export interface GitlabHeaders {
  token?: string;
  event?: string;
  /** X-Gitlab-Event-UUID: the same on a redelivery of the event. */
  eventUuid?: string;
  /** X-Gitlab-Webhook-UUID: the webhook that sent it. */
  webhookUuid?: string;
  /** X-Gitlab-Instance: the sending instance's URL (GitLab 15.x and later). */
  instance?: string;
}

const EVENT_PATTERN = /^[A-Za-z ]{1,64}$/;
const UUID_PATTERN = /^[\w-]{1,100}$/;

/** The GitLab intake: Deployment Hook and Merge Request Hook deliveries in, tracker events and changes out. */
@Injectable()
export class GitlabIntakeService {
  constructor(
    private readonly config: AppConfig,
    private readonly writer: IntakeWriter,
  ) {}

  async receive(headers: GitlabHeaders, body: SignedBody): Promise<IntakeAnswer> {
    const token = configuredSecret(this.config.intake.gitlabWebhookToken, 'GITLAB_WEBHOOK_TOKEN', 'GitLab');
    verifyToken(token, headers.token, 'X-Gitlab-Token');
    if (body.error) throw body.error;
    const event = headers.event ?? '';
    if (!EVENT_PATTERN.test(event)) throw InvalidInputError.field('X-Gitlab-Event', 'must name a GitLab event (Deployment Hook, ...)');
    if (body.parsed === null || typeof body.parsed !== 'object' || Array.isArray(body.parsed))
      throw InvalidInputError.field('body', 'must be a JSON object');
    const host = instanceHost(headers.instance) ?? instanceHost(at(body.parsed, 'project.web_url')) ?? 'gitlab';
    const plan = planGitlabDelivery({ event, payload: body.parsed, host }, this.config.intake.environments);
    // A redelivery repeats X-Gitlab-Event-UUID; without one (older GitLab), the exact bytes of the webhook's
    // delivery identify it, so only a byte-identical repeat of the same webhook counts as a redelivery.
    const uuid = headers.eventUuid && UUID_PATTERN.test(headers.eventUuid) ? headers.eventUuid : undefined;
    const webhook = headers.webhookUuid && UUID_PATTERN.test(headers.webhookUuid) ? headers.webhookUuid : '';
    const key = uuid
      ? [GITLAB_SOURCE, host, 'event', uuid]
      : [
          GITLAB_SOURCE,
          host,
          'body',
          webhook,
          createHash('sha256')
            .update(body.raw ?? '')
            .digest('hex'),
        ];
    return this.writer.record('gitlab', event, key, undefined, plan);
  }
}

/** The host of an http(s) URL, lower-cased, or undefined. */
function instanceHost(url: unknown): string | undefined {
  if (typeof url !== 'string' || url.length > 2000) return undefined;
  try {
    const parsed = new URL(url);
    return /^https?:$/.test(parsed.protocol) && parsed.host ? parsed.host.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}
