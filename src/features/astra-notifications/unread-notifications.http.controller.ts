import { Controller, Delete, Get, HttpCode, Param, Query, UseGuards } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  ApiAstraAccountRoutes,
  ApiAstraIdParam,
  schemaRef,
  ApiAstraListQuery,
  ApiAstraProblems,
  ApiAstraResponse,
} from '../../platform/openapi/api-docs';
import { AstraMediaType } from '../../astra/content-negotiation';
import { AccountGuard, AuthScope } from '../../auth/account.guard';
import type { AccountScope } from '../../auth/account-scope';
import { AstraNotificationsService } from './astra-notifications.service';
import { OnlyDeclaredMethods } from '../../platform/http/allowed-methods';
import { checkGroupId } from './user-path';

const UNREAD_MEDIA_TYPE = 'application/astra-unreadNotification+json';
const UNREADS_MEDIA_TYPE = 'application/astra-unreadNotifications+json';

/**
 * U1-U3 and the same under a group (G1-G3, 23.04+). A user acts on their own user_id only. There is no group
 * registry: group_id must be a well-formed id and otherwise changes nothing.
 */
@ApiTags('Astra unread notifications')
@ApiAstraAccountRoutes()
@ApiParam({
  name: 'user_id',
  description: "The caller's own user id (the token's sub); another user's is 403 problems/11",
  schema: schemaRef('type_astra_identifier'),
})
@ApiParam({
  name: 'group_id',
  description: 'Under /groups/{group_id} only (23.04+): a well-formed id; there is no group registry, so it changes nothing',
  schema: schemaRef('type_astra_identifier'),
})
@OnlyDeclaredMethods()
@Controller([
  'accounts/:account_id/core/v1/users/:user_id/unreadNotifications',
  'accounts/:account_id/core/v1/groups/:group_id/users/:user_id/unreadNotifications',
])
export class UnreadNotificationsHttpController {
  constructor(private readonly notifications: AstraNotificationsService) {}

  @Get()
  @UseGuards(AccountGuard)
  @AstraMediaType(UNREADS_MEDIA_TYPE)
  @ApiOperation({
    operationId: 'listUnreadNotifications',
    summary: "List the user's unread notifications (count=true gives the unread count)",
  })
  @ApiAstraListQuery()
  @ApiAstraResponse(200, 'unreadNotification_1.0_list_response_body', UNREADS_MEDIA_TYPE, { description: 'The unread marks' })
  @ApiAstraProblems({ 404: [2] })
  list(
    @AuthScope() scope: AccountScope,
    @Param('user_id') userId: string,
    @Param('group_id') groupId: string | undefined,
    @Query() query: Record<string, unknown>,
  ) {
    checkGroupId(groupId);
    return this.notifications.listUnread(scope, userId, query);
  }

  @Get(':unreadNotification_id')
  @UseGuards(AccountGuard)
  @AstraMediaType(UNREAD_MEDIA_TYPE)
  @ApiOperation({ operationId: 'getUnreadNotification', summary: 'Retrieve an unread notification' })
  @ApiAstraIdParam('unreadNotification_id')
  @ApiAstraResponse(200, 'unreadNotification_1.0_get_response_body', UNREAD_MEDIA_TYPE, { description: 'The unread mark' })
  @ApiAstraProblems({ 404: [1] })
  get(
    @AuthScope() scope: AccountScope,
    @Param('user_id') userId: string,
    @Param('group_id') groupId: string | undefined,
    @Param('unreadNotification_id') id: string,
  ) {
    checkGroupId(groupId);
    return this.notifications.getUnread(scope, userId, id);
  }

  @Delete(':unreadNotification_id')
  @HttpCode(204)
  @UseGuards(AccountGuard)
  @ApiOperation({
    operationId: 'deleteUnreadNotification',
    summary: 'Delete an unread notification (mark it read for this user): 204; already read or unknown: 404 problems/1',
  })
  @ApiAstraIdParam('unreadNotification_id')
  @ApiNoContentResponse({ description: 'Marked read' })
  @ApiAstraProblems({ 404: [1] })
  async markRead(
    @AuthScope() scope: AccountScope,
    @Param('user_id') userId: string,
    @Param('group_id') groupId: string | undefined,
    @Param('unreadNotification_id') id: string,
  ): Promise<void> {
    checkGroupId(groupId);
    await this.notifications.markRead(scope, userId, id);
  }
}
