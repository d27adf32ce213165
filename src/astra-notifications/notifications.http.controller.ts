import { Controller, Delete, Get, Headers, Options, Param, Patch, Post, Put, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { negotiate } from '../activity-log/content-negotiation';
import { AccountGuard, AuthScope } from '../common/auth/account.guard';
import type { AccountScope } from '../common/auth/account-scope';
import { AstraNotificationsService } from './astra-notifications.service';
import { methodNotAllowed } from '../common/http/method-not-allowed';

const NOTIFICATION_MEDIA_TYPE = 'application/astra-notification+json';
const NOTIFICATIONS_MEDIA_TYPE = 'application/astra-notifications+json';
const READ_ONLY = 'GET, HEAD';

/** N1, N2: notifications are read-only projections of events with the `notification` destination. */
@ApiTags('Astra notifications')
@ApiBearerAuth()
@ApiParam({ name: 'account_id', description: 'Account UUID (must be in the bearer token)' })
@Controller('accounts/:account_id/core/v1/notifications')
export class AstraNotificationsHttpController {
  constructor(private readonly notifications: AstraNotificationsService) {}

  @Get()
  @UseGuards(AccountGuard)
  @ApiOperation({ summary: 'List notifications the caller may read (include, limit, skip, continue, filter, orderBy, count)' })
  async list(@AuthScope() scope: AccountScope, @Query() query: Record<string, unknown>, @Headers('accept') accept: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const media = negotiate(accept, NOTIFICATIONS_MEDIA_TYPE);
    const body = await this.notifications.list(scope, query);
    void reply.header('content-type', media);
    return body;
  }

  @Get(':notification_id')
  @UseGuards(AccountGuard)
  @ApiOperation({ summary: 'Retrieve a notification' })
  async get(@AuthScope() scope: AccountScope, @Param('notification_id') id: string, @Headers('accept') accept: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const media = negotiate(accept, NOTIFICATION_MEDIA_TYPE);
    const body = await this.notifications.get(scope, id);
    void reply.header('content-type', media);
    return body;
  }

  // Fastify refuses a catch-all route beside GET on one path, so each unsupported method gets a handler.
  @ApiExcludeEndpoint() @Post() postCollection(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, READ_ONLY); }
  @ApiExcludeEndpoint() @Put() putCollection(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, READ_ONLY); }
  @ApiExcludeEndpoint() @Patch() patchCollection(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, READ_ONLY); }
  @ApiExcludeEndpoint() @Delete() deleteCollection(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, READ_ONLY); }
  @ApiExcludeEndpoint() @Options() optionsCollection(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, READ_ONLY); }
  @ApiExcludeEndpoint() @Post(':notification_id') postItem(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, READ_ONLY); }
  @ApiExcludeEndpoint() @Put(':notification_id') putItem(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, READ_ONLY); }
  @ApiExcludeEndpoint() @Patch(':notification_id') patchItem(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, READ_ONLY); }
  @ApiExcludeEndpoint() @Delete(':notification_id') deleteItem(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, READ_ONLY); }
  @ApiExcludeEndpoint() @Options(':notification_id') optionsItem(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, READ_ONLY); }
}
