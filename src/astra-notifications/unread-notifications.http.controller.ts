import { Controller, Delete, Get, Headers, HttpCode, Options, Param, Patch, Post, Put, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { negotiate } from '../activity-log/content-negotiation';
import { AccountGuard, AuthScope } from '../common/auth/account.guard';
import type { AccountScope } from '../common/auth/account-scope';
import { AstraNotificationsService } from './astra-notifications.service';
import { methodNotAllowed } from '../common/http/method-not-allowed';
import { checkGroupId } from './user-path';

const UNREAD_MEDIA_TYPE = 'application/astra-unreadNotification+json';
const UNREADS_MEDIA_TYPE = 'application/astra-unreadNotifications+json';
const COLLECTION_METHODS = 'GET, HEAD';
const ITEM_METHODS = 'GET, HEAD, DELETE';

/**
 * U1-U3 and the same under a group (G1-G3, 23.04+). A user acts on their own user_id only. There is no group
 * registry: group_id must be a well-formed id and otherwise changes nothing.
 */
@ApiTags('Astra unread notifications')
@ApiBearerAuth()
@ApiParam({ name: 'account_id', description: 'Account UUID (must be in the bearer token)' })
@ApiParam({ name: 'user_id', description: "The caller's own user id (the token's sub); another user's is 403 problems/11" })
@Controller(['accounts/:account_id/core/v1/users/:user_id/unreadNotifications', 'accounts/:account_id/core/v1/groups/:group_id/users/:user_id/unreadNotifications'])
export class UnreadNotificationsHttpController {
  constructor(private readonly notifications: AstraNotificationsService) {}

  @Get()
  @UseGuards(AccountGuard)
  @ApiOperation({ summary: "List the user's unread notifications (count=true gives the unread count)" })
  async list(
    @AuthScope() scope: AccountScope,
    @Param('user_id') userId: string,
    @Param('group_id') groupId: string | undefined,
    @Query() query: Record<string, unknown>,
    @Headers('accept') accept: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    checkGroupId(groupId);
    const media = negotiate(accept, UNREADS_MEDIA_TYPE);
    const body = await this.notifications.listUnread(scope, userId, query);
    void reply.header('content-type', media);
    return body;
  }

  @Get(':unreadNotification_id')
  @UseGuards(AccountGuard)
  @ApiOperation({ summary: 'Retrieve an unread notification' })
  async get(
    @AuthScope() scope: AccountScope,
    @Param('user_id') userId: string,
    @Param('group_id') groupId: string | undefined,
    @Param('unreadNotification_id') id: string,
    @Headers('accept') accept: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    checkGroupId(groupId);
    const media = negotiate(accept, UNREAD_MEDIA_TYPE);
    const body = await this.notifications.getUnread(scope, userId, id);
    void reply.header('content-type', media);
    return body;
  }

  @Delete(':unreadNotification_id')
  @HttpCode(204)
  @UseGuards(AccountGuard)
  @ApiOperation({ summary: 'Delete an unread notification (mark it read for this user): 204; already read or unknown: 404 problems/1' })
  async markRead(@AuthScope() scope: AccountScope, @Param('user_id') userId: string, @Param('group_id') groupId: string | undefined, @Param('unreadNotification_id') id: string): Promise<void> {
    checkGroupId(groupId);
    await this.notifications.markRead(scope, userId, id);
  }

  @ApiExcludeEndpoint() @Post() postCollection(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, COLLECTION_METHODS); }
  @ApiExcludeEndpoint() @Put() putCollection(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, COLLECTION_METHODS); }
  @ApiExcludeEndpoint() @Patch() patchCollection(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, COLLECTION_METHODS); }
  @ApiExcludeEndpoint() @Delete() deleteCollection(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, COLLECTION_METHODS); }
  @ApiExcludeEndpoint() @Options() optionsCollection(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, COLLECTION_METHODS); }
  @ApiExcludeEndpoint() @Post(':unreadNotification_id') postItem(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, ITEM_METHODS); }
  @ApiExcludeEndpoint() @Put(':unreadNotification_id') putItem(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, ITEM_METHODS); }
  @ApiExcludeEndpoint() @Patch(':unreadNotification_id') patchItem(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, ITEM_METHODS); }
  @ApiExcludeEndpoint() @Options(':unreadNotification_id') optionsItem(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, ITEM_METHODS); }
}
