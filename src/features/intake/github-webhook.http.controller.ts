import { ApiProblems } from '../../platform/openapi/api-docs';
import { Controller, Headers, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthenticatedBySignature, TrackerApi } from '../../auth/tracker-api.decorator';
import { SignedBody, SignedBodyRoute, SignedRequestBody } from '../../platform/http/raw-body';
import { DEFAULT_INPUT_BOUNDS, InputBounds } from '../../platform/validation/input-bounds';
import { IntakeIgnoredDto, IntakeRecordedDto } from './dto/intake-answer.dto';
import { answerBody } from './intake.mapper';
import { IntakeService } from './intake.service';

/**
 * GitHub's payloads are larger than any Tracker API body: a repository object alone has about 100 fields, and a
 * pull request's body may hold 65,536 characters. Everything else keeps the default caps (docs/security.md).
 */
export const GITHUB_BODY_BOUNDS: InputBounds = Object.freeze({
  ...DEFAULT_INPUT_BOUNDS,
  maxKeys: 256,
  maxNodes: 20_000,
  maxLength: 65_536,
});

type HeaderMap = Record<string, string | string[] | undefined>;
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

@ApiTags('intake')
@TrackerApi()
@Controller('api/v1alpha1/webhooks')
export class GithubWebhookHttpController {
  constructor(private readonly service: IntakeService) {}

  @Post('github')
  @SignedBodyRoute(GITHUB_BODY_BOUNDS)
  @AuthenticatedBySignature()
  @ApiOperation({
    operationId: 'receiveGithubWebhook',
    summary: 'GitHub webhook: deployment and deployment_status become tracker events (signed with GITHUB_WEBHOOK_SECRET)',
    description:
      'Point a repository or organization webhook here (content type application/json). The X-Hub-Signature-256 HMAC of the raw ' +
      'body is verified with GITHUB_WEBHOOK_SECRET; no bearer token is asked for, even with TRACKER_AUTH=required. ' +
      'ping -> 204; deployment / deployment_status -> one tracker event per GitHub deployment, updated by later statuses; ' +
      'a redelivery (same X-GitHub-Delivery) -> 200 with duplicate: true; other events -> 202 ignored.',
  })
  @ApiConsumes('application/json')
  @ApiBody({ description: 'The webhook payload exactly as GitHub sends it', schema: { type: 'object', additionalProperties: true } })
  @ApiHeader({ name: 'X-Hub-Signature-256', required: true, description: 'sha256=<HMAC-SHA256 of the raw body, hex>' })
  @ApiHeader({ name: 'X-GitHub-Event', required: true, description: 'ping, deployment, deployment_status, pull_request, ...' })
  @ApiHeader({ name: 'X-GitHub-Delivery', required: true, description: 'The delivery GUID (redeliveries repeat it)' })
  @ApiHeader({ name: 'X-GitHub-Enterprise-Host', required: false, description: 'Sent by GitHub Enterprise Server' })
  @ApiCreatedResponse({ type: IntakeRecordedDto, description: 'A tracker event was created for the deployment' })
  @ApiOkResponse({ type: IntakeRecordedDto, description: "The deployment's tracker event was updated, or the delivery is a redelivery" })
  @ApiAcceptedResponse({ type: IntakeIgnoredDto, description: 'Nothing to record (another event or action, an unmapped environment)' })
  @ApiNoContentResponse({ description: 'ping' })
  @ApiProblems({
    400: 'A signed body that is not a readable delivery (the field is named)',
    401: 'urn:tracker:problems:invalid-signature: the signature is missing or does not match',
    403: 'GITHUB_WEBHOOK_SECRET is not configured',
    409: "urn:tracker:problems:locked: AUTO_LOCK=on and another owner holds the service's deployment lock (nothing stored)",
  })
  async receive(@SignedRequestBody() body: SignedBody, @Headers() headers: HeaderMap, @Res({ passthrough: true }) reply: FastifyReply) {
    const answer = await this.service.github(
      {
        event: one(headers['x-github-event']),
        delivery: one(headers['x-github-delivery']),
        signature: one(headers['x-hub-signature-256']),
        enterpriseHost: one(headers['x-github-enterprise-host']),
      },
      body,
    );
    void reply.status(answer.status);
    return answerBody(answer);
  }
}
