import { ApiProblems } from '../../platform/openapi/api-docs';
import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CallerParts, type CallParts } from '../../platform/http/call-parts';
import { RequireTrackerRole, TrackerApi } from '../../auth/tracker-api.decorator';
import { TrackerStreamQueryDto } from './dto/stream-query.dto';
import { LiveService } from './live.service';
import { expiredTokenProblem, resumeOf, STREAM_FORMAT, trackerFilterOf } from './stream-format';
import { streamSse } from './sse';

@ApiTags('tracker events')
@TrackerApi()
@Controller('api/v1alpha1')
export class TrackerStreamHttpController {
  constructor(private readonly live: LiveService) {}

  @Get('events/stream')
  @RequireTrackerRole('reader')
  @ApiOperation({
    operationId: 'streamEvents',
    summary: 'Live stream of event changes (Server-Sent Events), resumable',
    description: `Each stored create, update or delete of an event matching the filters, the moment it is stored.\n\n${STREAM_FORMAT}`,
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this cursor (wins over `since`)' })
  @ApiOkResponse({
    description: 'text/event-stream, one message per change',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiProblems({
    400: 'A filter or the cursor is malformed (problem+json naming it)',
    410: 'The cursor is older than STREAM_RETENTION_HOURS: urn:tracker:problems:cursor-expired',
  })
  async stream(
    @Query() query: TrackerStreamQueryDto,
    @Headers('last-event-id') lastEventId: unknown,
    @CallerParts() caller: CallParts,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { sub, expiresAt } = await this.live.openTracker(caller, trackerFilterOf(query), resumeOf(lastEventId, query.since));
    await streamSse(reply, sub, { data: (msg) => msg.data, expiresAt, problem: expiredTokenProblem(request, false) });
  }
}
