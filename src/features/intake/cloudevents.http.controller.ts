import { ApiProblems } from '../../platform/openapi/api-docs';
import { Body, Controller, Headers, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CallerParts, type CallParts } from '../../platform/http/call-parts';
import { RequireTrackerRole, TrackerApi } from '../../auth/tracker-api.decorator';
import { CloudEventBatchAnswerDto, IntakeIgnoredDto, IntakeRecordedDto } from './dto/intake-answer.dto';
import { answerBody, batchBody } from './intake.mapper';
import { IntakeService } from './intake.service';

@ApiTags('intake')
@TrackerApi()
@ApiExtraModels(IntakeRecordedDto, CloudEventBatchAnswerDto)
@Controller('api/v1alpha1')
export class CloudEventsHttpController {
  constructor(private readonly service: IntakeService) {}

  @Post('cloudevents')
  @RequireTrackerRole('writer')
  @ApiOperation({
    operationId: 'receiveCloudEvents',
    summary: 'CloudEvents 1.0 (HTTP binding: binary, structured, batch) carrying CDEvents v0.4.1 become tracker events',
    description:
      'service.deployed/upgraded -> deployment Success, service.rolledback -> deployment Warning marked as a rollback, ' +
      'service.removed -> deployment Done, pipelinerun.started/finished -> one operation event Start then Success/Failure/Error, ' +
      'incident.detected/reported -> incident Open, incident.resolved -> the same incident Close. Each CDEvent is validated against ' +
      'its schema first (400 with the failing paths). Recorded once per (source, id) (per caller when TRACKER_AUTH=required): ' +
      'a retry with the same type and data answers 200 with duplicate: true; other content under a recorded (source, id) is 409. ' +
      'Other CloudEvent types -> 202 ignored. A batch answers 200 with one entry per event, each accepted or refused on its own.',
  })
  @ApiConsumes('application/cloudevents+json', 'application/cloudevents-batch+json', 'application/json')
  @ApiBody({
    description:
      'Structured: one CloudEvent; batch: an array of them; binary: the CDEvent itself, with ce-id, ce-source, ce-type, ce-specversion headers',
    schema: {
      oneOf: [
        { type: 'object', additionalProperties: true },
        { type: 'array', items: { type: 'object', additionalProperties: true } },
      ],
    },
  })
  @ApiCreatedResponse({ type: IntakeRecordedDto, description: 'A tracker event was created' })
  @ApiOkResponse({
    description: 'Binary/structured: the event was updated, or this (source, id) was already recorded. Batch: one result per CloudEvent',
    schema: { oneOf: [{ $ref: getSchemaPath(IntakeRecordedDto) }, { $ref: getSchemaPath(CloudEventBatchAnswerDto) }] },
  })
  @ApiAcceptedResponse({ type: IntakeIgnoredDto, description: 'A well-formed CloudEvent Tracker does not record' })
  @ApiProblems({
    400: 'A malformed CloudEvent, or a CDEvent failing its schema (invalidFields names each path)',
    409: 'Another CloudEvent with this (source, id) but another type or data was already recorded; nothing was stored',
  })
  async receive(
    @Body() body: unknown,
    @Headers() headers: Record<string, string | string[] | undefined>,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CallerParts() caller: CallParts,
  ) {
    const { answer, batch } = await this.service.cloudEvents({ headers, body }, caller);
    if (batch) {
      void reply.status(200);
      return batchBody(batch);
    }
    void reply.status(answer!.status);
    return answerBody(answer!);
  }
}
