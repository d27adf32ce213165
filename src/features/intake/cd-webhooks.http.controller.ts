import { Controller, Headers, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthenticatedBySignature, TrackerApi } from '../../auth/tracker-api.decorator';
import { ApiProblems } from '../../platform/openapi/api-docs';
import { SignedBody, SignedBodyRoute, SignedRequestBody } from '../../platform/http/raw-body';
import { ArgocdIntakeService } from './argocd-intake.service';
import { ArgocdNotificationDto, IntakeIgnoredDto, IntakeRecordedDto } from './dto/intake-answer.dto';
import { FluxIntakeService } from './flux-intake.service';
import { GITHUB_BODY_BOUNDS } from './github-webhook.http.controller';
import { GitlabIntakeService } from './gitlab-intake.service';
import { answerBody } from './intake.mapper';
import type { IntakeAnswer } from './intake-writer';

type HeaderMap = Record<string, string | string[] | undefined>;
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

const RECORDED = 'A tracker event (or change) was created';
const UPDATED = "The deployment's tracker event was updated or left as it was, or the delivery is a repeat (duplicate: true)";

const LOCKED = "urn:tracker:problems:locked: AUTO_LOCK=on and another owner holds the service's deployment lock (nothing stored)";

function answered(answer: IntakeAnswer, reply: FastifyReply) {
  void reply.status(answer.status);
  return answerBody(answer);
}

/**
 * The CD tools' webhooks (issue 27): GitLab, Flux and Argo CD deployments become tracker events, configured on
 * the tool's side only. Each body is kept raw (@SignedBodyRoute) and authenticated by the handler's service
 * before it is read; no Tracker bearer token is asked for (@AuthenticatedBySignature).
 */
@ApiTags('intake')
@TrackerApi()
@Controller('api/v1alpha1/webhooks')
export class CdWebhooksHttpController {
  constructor(
    private readonly gitlab: GitlabIntakeService,
    private readonly flux: FluxIntakeService,
    private readonly argocd: ArgocdIntakeService,
  ) {}

  @Post('gitlab')
  @SignedBodyRoute(GITHUB_BODY_BOUNDS)
  @AuthenticatedBySignature()
  @ApiOperation({
    operationId: 'receiveGitlabWebhook',
    summary: 'GitLab webhook: deployment events become tracker events, merged merge requests changes (X-Gitlab-Token)',
    description:
      'Point a project or group webhook here with the secret token GITLAB_WEBHOOK_TOKEN and the Deployment and Merge request events. ' +
      'Deployment Hook -> one tracker event per GitLab deployment, moved on by later statuses (never back from a final one); ' +
      'Merge Request Hook with action merge -> a change; a redelivery (same X-Gitlab-Event-UUID) -> 200 duplicate; other events -> 202 ignored.',
  })
  @ApiConsumes('application/json')
  @ApiBody({ description: 'The webhook payload exactly as GitLab sends it', schema: { type: 'object', additionalProperties: true } })
  @ApiHeader({ name: 'X-Gitlab-Token', required: true, description: 'The webhook secret token (GITLAB_WEBHOOK_TOKEN)' })
  @ApiHeader({ name: 'X-Gitlab-Event', required: true, description: 'Deployment Hook, Merge Request Hook, ...' })
  @ApiHeader({ name: 'X-Gitlab-Event-UUID', required: false, description: 'The event (redeliveries repeat it)' })
  @ApiHeader({ name: 'X-Gitlab-Instance', required: false, description: "The sending GitLab's URL" })
  @ApiCreatedResponse({ type: IntakeRecordedDto, description: RECORDED })
  @ApiOkResponse({ type: IntakeRecordedDto, description: UPDATED })
  @ApiAcceptedResponse({ type: IntakeIgnoredDto, description: 'Nothing to record (another event or action, an unmapped environment)' })
  @ApiProblems({
    400: 'An authenticated body that is not a readable delivery (the field is named)',
    401: 'urn:tracker:problems:invalid-signature: X-Gitlab-Token is missing or wrong',
    403: 'GITLAB_WEBHOOK_TOKEN is not configured',
    409: LOCKED,
  })
  async receiveGitlab(
    @SignedRequestBody() body: SignedBody,
    @Headers() headers: HeaderMap,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const answer = await this.gitlab.receive(
      {
        token: one(headers['x-gitlab-token']),
        event: one(headers['x-gitlab-event']),
        eventUuid: one(headers['x-gitlab-event-uuid']),
        webhookUuid: one(headers['x-gitlab-webhook-uuid']),
        instance: one(headers['x-gitlab-instance']),
      },
      body,
    );
    return answered(answer, reply);
  }

  @Post('flux')
  @SignedBodyRoute(GITHUB_BODY_BOUNDS)
  @AuthenticatedBySignature()
  @ApiOperation({
    operationId: 'receiveFluxEvent',
    summary: 'Flux notification-controller events (Provider generic-hmac, X-Signature) become deployment tracker events',
    description:
      'Point a Flux Provider of type generic-hmac here with FLUX_WEBHOOK_SECRET (type generic, unsigned, only with FLUX_ALLOW_UNSIGNED=true). ' +
      'Kustomization and HelmRelease events -> one tracker event per (object uid, revision), moved on by later reasons; ' +
      'a repeated event -> 200 duplicate; other kinds and reasons -> 202 ignored.',
  })
  @ApiConsumes('application/json')
  @ApiBody({
    description: 'The Flux event exactly as notification-controller sends it',
    schema: { type: 'object', additionalProperties: true },
  })
  @ApiHeader({
    name: 'X-Signature',
    required: false,
    description: 'sha256=<HMAC-SHA256 of the raw body, hex> (generic-hmac); required unless FLUX_ALLOW_UNSIGNED=true',
  })
  @ApiCreatedResponse({ type: IntakeRecordedDto, description: RECORDED })
  @ApiOkResponse({ type: IntakeRecordedDto, description: UPDATED })
  @ApiAcceptedResponse({ type: IntakeIgnoredDto, description: 'Nothing to record (another kind or reason, an unmapped environment)' })
  @ApiProblems({
    400: 'An authenticated body that is not a readable Flux event (the field is named)',
    401: 'urn:tracker:problems:invalid-signature: X-Signature is missing or does not match',
    403: 'FLUX_WEBHOOK_SECRET is not configured (and FLUX_ALLOW_UNSIGNED is not true)',
    409: LOCKED,
  })
  async receiveFlux(@SignedRequestBody() body: SignedBody, @Headers() headers: HeaderMap, @Res({ passthrough: true }) reply: FastifyReply) {
    return answered(await this.flux.receive(one(headers['x-signature']), body), reply);
  }

  @Post('argocd')
  @SignedBodyRoute(GITHUB_BODY_BOUNDS)
  @AuthenticatedBySignature()
  @ApiOperation({
    operationId: 'receiveArgocdNotification',
    summary:
      "Argo CD Notifications' webhook (the shipped template, Authorization: Bearer ARGOCD_WEBHOOK_TOKEN) becomes deployment tracker events",
    description:
      'Install deploy/argocd/notifications.yaml and subscribe applications to its triggers. One tracker event per (application, operation start, ' +
      'revision), moved on by later notifications; the same notification again -> 200 duplicate; no deployment step -> 202 ignored.',
  })
  @ApiConsumes('application/json')
  @ApiBody({ type: ArgocdNotificationDto, description: 'What the shipped template renders (docs/intake.md)' })
  @ApiHeader({ name: 'Authorization', required: true, description: 'Bearer ARGOCD_WEBHOOK_TOKEN' })
  @ApiCreatedResponse({ type: IntakeRecordedDto, description: RECORDED })
  @ApiOkResponse({ type: IntakeRecordedDto, description: UPDATED })
  @ApiAcceptedResponse({ type: IntakeIgnoredDto, description: 'Nothing to record (no deployment step, no or an unmapped environment)' })
  @ApiProblems({
    400: 'An authenticated body that is not the template body (the field is named)',
    401: 'urn:tracker:problems:invalid-signature: the bearer token is missing or wrong',
    403: 'ARGOCD_WEBHOOK_TOKEN is not configured',
    409: LOCKED,
  })
  async receiveArgocd(
    @SignedRequestBody() body: SignedBody,
    @Headers() headers: HeaderMap,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return answered(await this.argocd.receive(one(headers.authorization), body), reply);
  }
}
