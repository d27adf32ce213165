import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiAstraAccountRoutes,
  ApiAstraIdParam,
  ApiAstraListQuery,
  ApiAstraProblems,
  ApiAstraResponse,
} from '../../platform/openapi/api-docs';
import { AstraMediaType } from '../../astra/content-negotiation';
import { AccountGuard, AuthScope } from '../../auth/account.guard';
import type { AccountScope } from '../../auth/account-scope';
import { AstraNotificationsService } from './astra-notifications.service';
import { OnlyDeclaredMethods } from '../../platform/http/allowed-methods';

const NOTIFICATION_MEDIA_TYPE = 'application/astra-notification+json';
const NOTIFICATIONS_MEDIA_TYPE = 'application/astra-notifications+json';

/** N1, N2: notifications are read-only projections of events with the `notification` destination (other methods: 405). */
@ApiTags('Astra notifications')
@ApiAstraAccountRoutes()
@OnlyDeclaredMethods()
@Controller('accounts/:account_id/core/v1/notifications')
export class AstraNotificationsHttpController {
  constructor(private readonly notifications: AstraNotificationsService) {}

  @Get()
  @UseGuards(AccountGuard)
  @AstraMediaType(NOTIFICATIONS_MEDIA_TYPE)
  @ApiOperation({
    operationId: 'listNotifications',
    summary: 'List notifications the caller may read (include, limit, skip, continue, filter, orderBy, count)',
  })
  @ApiAstraListQuery()
  @ApiAstraResponse(200, 'notification_1.3_list_response_body', NOTIFICATIONS_MEDIA_TYPE, { description: 'The matching notifications' })
  @ApiAstraProblems({ 404: [2] })
  list(@AuthScope() scope: AccountScope, @Query() query: Record<string, unknown>) {
    return this.notifications.list(scope, query);
  }

  @Get(':notification_id')
  @UseGuards(AccountGuard)
  @AstraMediaType(NOTIFICATION_MEDIA_TYPE)
  @ApiOperation({ operationId: 'getNotification', summary: 'Retrieve a notification' })
  @ApiAstraIdParam('notification_id')
  @ApiAstraResponse(200, 'notification_1.3_get_response_body', NOTIFICATION_MEDIA_TYPE, { description: 'The notification' })
  @ApiAstraProblems({ 404: [1] })
  get(@AuthScope() scope: AccountScope, @Param('notification_id') id: string) {
    return this.notifications.get(scope, id);
  }
}
