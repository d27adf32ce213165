import { ApiProblems } from '../../platform/openapi/api-docs';
import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireTrackerRole, TrackerApi } from '../../auth/tracker-api.decorator';
import { Idempotent } from '../../idempotency/idempotent.decorator';
import { toCodeChangePageResponse, toCodeChangeResponse } from './code-changes.mapper';
import { CodeChangesService, listFilterFromQuery } from './code-changes.service';
import { CreateCodeChangeDto, ListCodeChangesQueryDto } from './dto/code-change.dto';
import { CodeChangePageResponse, CodeChangeResponse } from './dto/code-change.response';

@ApiTags('changes')
@TrackerApi()
@Controller('api/v1alpha1/changes')
export class CodeChangesHttpController {
  constructor(private readonly service: CodeChangesService) {}

  @Post()
  @RequireTrackerRole('writer')
  @Idempotent('changes.create')
  @HttpCode(201)
  @ApiOperation({
    operationId: 'createChange',
    summary:
      'Record a change that reached the main line: 201 new, 200 with the stored change when the service already has it (same sha or pull request link)',
  })
  @ApiCreatedResponse({ type: CodeChangeResponse, description: 'Recorded' })
  @ApiOkResponse({ type: CodeChangeResponse, description: 'Already recorded: the stored change, unchanged' })
  @ApiProblems({ 400: 'A field is invalid (problem+json naming it)' })
  async create(@Body() dto: CreateCodeChangeDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<CodeChangeResponse> {
    const { change, created } = await this.service.create(dto, 'rest');
    if (!created) void reply.status(200);
    return toCodeChangeResponse(change);
  }

  @Get()
  @RequireTrackerRole('reader')
  @ApiOperation({ operationId: 'listChanges', summary: 'Changes, newest merge (else commit) time first, paginated' })
  @ApiOkResponse({ type: CodeChangePageResponse })
  @ApiProblems({ 400: 'A query parameter is invalid (problem+json naming it)' })
  async list(@Query() query: ListCodeChangesQueryDto): Promise<CodeChangePageResponse> {
    const { items, total, page, perPage } = await this.service.list(listFilterFromQuery(query));
    return toCodeChangePageResponse(items, total, page, perPage);
  }
}
