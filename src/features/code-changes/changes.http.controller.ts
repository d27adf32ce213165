import { ApiProblems } from '../../platform/openapi/api-docs';
import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireTrackerRole, TrackerApi } from '../../auth/tracker-api.decorator';
import { Idempotent } from '../../idempotency/idempotent.decorator';
import { toChangePageResponse, toChangeResponse } from './changes.mapper';
import { ChangesService, listFilterFromQuery } from './changes.service';
import { CreateChangeDto, ListChangesQueryDto } from './dto/change.dto';
import { ChangePageResponse, ChangeResponse } from './dto/change.response';

@ApiTags('changes')
@TrackerApi()
@Controller('api/v1alpha1/changes')
export class ChangesHttpController {
  constructor(private readonly service: ChangesService) {}

  @Post()
  @RequireTrackerRole('writer')
  @Idempotent('changes.create')
  @HttpCode(201)
  @ApiOperation({
    operationId: 'createChange',
    summary:
      'Record a change that reached the main line: 201 new, 200 with the stored change when the service already has it (same sha or pull request link)',
  })
  @ApiCreatedResponse({ type: ChangeResponse, description: 'Recorded' })
  @ApiOkResponse({ type: ChangeResponse, description: 'Already recorded: the stored change, unchanged' })
  @ApiProblems({ 400: 'A field is invalid (problem+json naming it)' })
  async create(@Body() dto: CreateChangeDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<ChangeResponse> {
    const { change, created } = await this.service.create(dto, 'rest');
    if (!created) void reply.status(200);
    return toChangeResponse(change);
  }

  @Get()
  @RequireTrackerRole('reader')
  @ApiOperation({ operationId: 'listChanges', summary: 'Changes, newest merge (else commit) time first, paginated' })
  @ApiOkResponse({ type: ChangePageResponse })
  @ApiProblems({ 400: 'A query parameter is invalid (problem+json naming it)' })
  async list(@Query() query: ListChangesQueryDto): Promise<ChangePageResponse> {
    const { items, total, page, perPage } = await this.service.list(listFilterFromQuery(query));
    return toChangePageResponse(items, total, page, perPage);
  }
}
