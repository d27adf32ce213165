import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AstraMediaType } from '../common/astra/content-negotiation';
import { AccountGuard, AuthScope } from '../common/auth/account.guard';
import type { AccountScope } from '../common/auth/account-scope';
import { AstraNotificationsService } from './astra-notifications.service';
import { OnlyDeclaredMethods } from '../common/http/allowed-methods';

const NOTIFICATION_MEDIA_TYPE = 'application/astra-notification+json';
const NOTIFICATIONS_MEDIA_TYPE = 'application/astra-notifications+json';

/** N1, N2: notifications are read-only projections of events with the `notification` destination (other methods: 405). */
@ApiTags('Astra notifications')
@ApiBearerAuth()
@ApiParam({ name: 'account_id', description: 'Account UUID (must be in the bearer token)' })
@OnlyDeclaredMethods()
@Controller('accounts/:account_id/core/v1/notifications')
export class AstraNotificationsHttpController {
  constructor(private readonly notifications: AstraNotificationsService) {}

  @Get()
  @UseGuards(AccountGuard)
  @AstraMediaType(NOTIFICATIONS_MEDIA_TYPE)
  @ApiOperation({ summary: 'List notifications the caller may read (include, limit, skip, continue, filter, orderBy, count)' })
  list(@AuthScope() scope: AccountScope, @Query() query: Record<string, unknown>) {
    return this.notifications.list(scope, query);
  }

  @Get(':notification_id')
  @UseGuards(AccountGuard)
  @AstraMediaType(NOTIFICATION_MEDIA_TYPE)
  @ApiOperation({ summary: 'Retrieve a notification' })
  get(@AuthScope() scope: AccountScope, @Param('notification_id') id: string) {
    return this.notifications.get(scope, id);
  }
}
