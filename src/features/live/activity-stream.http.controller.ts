import { Controller, Get, Headers, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiAstraAccountRoutes, ApiProblems } from '../../platform/openapi/api-docs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccountGuard, AuthScope } from '../../auth/account.guard';
import type { AccountScope } from '../../auth/account-scope';
import { CallerParts, type CallParts } from '../../platform/http/call-parts';
import { OnlyDeclaredMethods } from '../../platform/http/allowed-methods';
import { ActivityStreamQueryDto } from './dto/stream-query.dto';
import { LiveService } from './live.service';
import { expiredTokenProblem, resumeOf, STREAM_FORMAT } from './stream-format';
import { streamSse } from './sse';

/**
 * Tracker's extension of the Astra event resource (docs/astra-extensions.md): the activity log as a live
 * stream, with the same authentication, role and visibility as listing events.
 */
@ApiTags('Activity log (Astra events)')
@ApiAstraAccountRoutes()
@OnlyDeclaredMethods()
@Controller('accounts/:account_id/core/v1/events')
export class ActivityStreamHttpController {
  constructor(private readonly live: LiveService) {}

  @Get('stream')
  @UseGuards(AccountGuard)
  @ApiOperation({
    operationId: 'streamActivityEvents',
    summary: 'Live stream of new events the caller may read (Server-Sent Events), resumable (Tracker extension)',
    description:
      `Each new event of the account that the caller's role may read, the moment it is stored, as GET .../events/{event_id} returns it. ` +
      `The expired token's problem is problems/4. ${STREAM_FORMAT}`,
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this cursor (wins over `since`)' })
  @ApiOkResponse({
    description: 'text/event-stream, one message per new event',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiProblems({ 410: 'The cursor is older than STREAM_RETENTION_HOURS: urn:tracker:problems:cursor-expired' })
  async stream(
    @AuthScope() scope: AccountScope,
    @Query() query: ActivityStreamQueryDto,
    @Headers('last-event-id') lastEventId: unknown,
    @CallerParts() caller: CallParts,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { sub, expiresAt } = await this.live.openActivity(caller, scope, resumeOf(lastEventId, query.since));
    await streamSse(reply, sub, { data: (msg) => msg.data, expiresAt, problem: expiredTokenProblem(request, true) });
  }
}
