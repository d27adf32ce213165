import { Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
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
import { AuthenticatedBySignature, TrackerApi } from '../../../auth/tracker-api.decorator';
import { SignedBody, SignedBodyRoute, SignedRequestBody } from '../../../platform/http/raw-body';
import { ApiProblems } from '../../../platform/openapi/api-docs';
import { DEFAULT_INPUT_BOUNDS, InputBounds } from '../../../platform/validation/input-bounds';
import { MAX_ALERTS } from './domain/alertmanager-mapping';
import { AlertmanagerAnswerDto, IncidentIgnoredDto, IncidentRecordedDto } from './dto/incident-intake-answer.dto';
import { IncidentIntakeService } from './incident-intake.service';

/**
 * A PagerDuty V3 incident event carries the incident with its service, assignees, priority and more (objects of
 * tens of fields, a title up to 1,024 characters); an Alertmanager group may hold many alerts, each with its
 * labels and annotations. Both get the GitHub intake's wider caps; everything else keeps the defaults
 * (docs/security.md).
 */
export const INCIDENT_WEBHOOK_BOUNDS: InputBounds = Object.freeze({
  ...DEFAULT_INPUT_BOUNDS,
  maxKeys: 256,
  maxNodes: 20_000,
  maxItems: MAX_ALERTS,
  maxLength: 65_536,
});

type HeaderMap = Record<string, string | string[] | undefined>;
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

@ApiTags('intake')
@TrackerApi()
@Controller('api/v1alpha1/webhooks')
export class IncidentWebhooksHttpController {
  constructor(private readonly service: IncidentIntakeService) {}

  @Post('pagerduty')
  @SignedBodyRoute(INCIDENT_WEBHOOK_BOUNDS)
  @AuthenticatedBySignature()
  @ApiOperation({
    operationId: 'receivePagerDutyWebhook',
    summary: 'PagerDuty V3 webhook: incident events become incidents (signed with PAGERDUTY_WEBHOOK_SECRET)',
    description:
      'Point a V3 webhook subscription here. Every v1= signature of X-PagerDuty-Signature is checked against the HMAC-SHA256 of ' +
      'the raw body with PAGERDUTY_WEBHOOK_SECRET (any match accepts); no bearer token is asked for, even with TRACKER_AUTH=required. ' +
      'incident.triggered / reopened / acknowledged / resolved / priority_updated -> one incident (type-4 tracker event) per ' +
      'PagerDuty incident, updated by later events; the same event.id again -> 200 with duplicate: true; other events -> 202 ignored.',
  })
  @ApiConsumes('application/json')
  @ApiBody({
    description: 'The webhook body exactly as PagerDuty sends it: {event: {...}}',
    schema: { type: 'object', additionalProperties: true },
  })
  @ApiHeader({
    name: 'X-PagerDuty-Signature',
    required: true,
    description: 'v1=<HMAC-SHA256 of the raw body, hex>, comma separated (one per secret)',
  })
  @ApiCreatedResponse({ type: IncidentRecordedDto, description: 'The incident was created' })
  @ApiOkResponse({ type: IncidentRecordedDto, description: 'The incident was updated (or left as it was), or the event is a resend' })
  @ApiAcceptedResponse({ type: IncidentIgnoredDto, description: 'An event type Tracker does not record' })
  @ApiProblems({
    400: 'A signed body that is not a readable V3 webhook event (the field is named)',
    401: 'urn:tracker:problems:invalid-signature: the signature is missing or none matches',
    403: 'PAGERDUTY_WEBHOOK_SECRET is not configured',
  })
  async pagerDuty(@SignedRequestBody() body: SignedBody, @Headers() headers: HeaderMap, @Res({ passthrough: true }) reply: FastifyReply) {
    const answer = await this.service.pagerDuty(one(headers['x-pagerduty-signature']), body);
    void reply.status(answer.status);
    return answer.status === 202
      ? { ignored: true, reason: answer.reason }
      : { duplicate: answer.duplicate, result: answer.result, eventId: answer.eventId };
  }

  @Post('alertmanager')
  @HttpCode(200)
  @SignedBodyRoute(INCIDENT_WEBHOOK_BOUNDS)
  @AuthenticatedBySignature()
  @ApiOperation({
    operationId: 'receiveAlertmanagerWebhook',
    summary: 'Alertmanager or Grafana alerting webhook: alerts become incidents (bearer ALERTMANAGER_WEBHOOK_TOKEN)',
    description:
      'Point an Alertmanager webhook_config (http_config.authorization credentials: ALERTMANAGER_WEBHOOK_TOKEN) or a Grafana ' +
      'webhook contact point (Authorization header: Bearer) here. The token is compared in constant time; it is not a tracker ' +
      'token, and TRACKER_AUTH=required asks for no other. One incident per alert (fingerprint + startsAt): firing opens it, ' +
      'resolved closes it at endsAt; a resend changes nothing. The answer has one entry per alert.',
  })
  @ApiConsumes('application/json')
  @ApiBody({
    description: "The version-4 webhook body (or Grafana's variant of it)",
    schema: { type: 'object', additionalProperties: true },
  })
  @ApiHeader({ name: 'Authorization', required: true, description: 'Bearer <ALERTMANAGER_WEBHOOK_TOKEN>' })
  @ApiOkResponse({ type: AlertmanagerAnswerDto, description: 'Each alert recorded, a duplicate (a resend) or skipped, with why' })
  @ApiProblems({
    400: 'A body that is not an Alertmanager webhook body, or an alert of it that cannot be read (the field is named; nothing is stored)',
    401: 'urn:tracker:problems:unauthenticated or invalid-token: the bearer token is missing or is not ALERTMANAGER_WEBHOOK_TOKEN',
    403: 'ALERTMANAGER_WEBHOOK_TOKEN is not configured',
  })
  async alertmanager(@SignedRequestBody() body: SignedBody, @Headers() headers: HeaderMap) {
    return this.service.alertmanager(one(headers.authorization), body);
  }
}
