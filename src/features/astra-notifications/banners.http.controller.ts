import { Controller, Delete, Get, HttpCode, Param, Query, UseGuards } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
import { BannersService } from './banners.service';
import { OnlyDeclaredMethods } from '../../platform/http/allowed-methods';

const BANNERS_MEDIA_TYPE = 'application/astra-banners+json';

/**
 * Banners: a Tracker extension (Astra publishes no banner endpoint; docs/astra-extensions.md). Active banners
 * of the account, a user's own view without what they dismissed, and dismissal of acknowledgeable ones.
 */
@ApiTags('Banners (Tracker extension to the Astra API)')
@ApiAstraAccountRoutes()
@OnlyDeclaredMethods()
@Controller('accounts/:account_id/core/v1')
export class BannersHttpController {
  constructor(private readonly banners: BannersService) {}

  @Get('banners')
  @UseGuards(AccountGuard)
  @AstraMediaType(BANNERS_MEDIA_TYPE)
  @ApiAstraListQuery()
  @ApiAstraResponse(200, 'banner_1.0_list_response_body', BANNERS_MEDIA_TYPE, { description: 'The active banners' })
  @ApiAstraProblems({ 404: [2] })
  @ApiOperation({
    operationId: 'listBanners',
    summary: 'List active banners (extension)',
    description:
      'Events with the banner destination the caller may read, until they expire (data.ttl) or a cleared event with the same summary and correlationID arrives. Items: type application/astra-banner, version 1.0, the event fields (data.isAcknowledgeable, descriptionURL, correctiveActionURL) and their own id. Astra list conventions; envelope type application/astra-banners.',
  })
  list(@AuthScope() scope: AccountScope, @Query() query: Record<string, unknown>) {
    return this.banners.list(scope, query);
  }

  @Get('users/:user_id/banners')
  @UseGuards(AccountGuard)
  @AstraMediaType(BANNERS_MEDIA_TYPE)
  @ApiAstraIdParam('user_id', "The caller's own user id (the token's sub)")
  @ApiOperation({ operationId: 'listUserBanners', summary: 'List the active banners the user has not dismissed (extension)' })
  @ApiAstraListQuery()
  @ApiAstraResponse(200, 'banner_1.0_list_response_body', BANNERS_MEDIA_TYPE, {
    description: 'The active banners the user has not dismissed',
  })
  @ApiAstraProblems({ 404: [2] })
  listForUser(@AuthScope() scope: AccountScope, @Param('user_id') userId: string, @Query() query: Record<string, unknown>) {
    return this.banners.list(scope, query, userId);
  }

  @Delete('users/:user_id/banners/:banner_id')
  @HttpCode(204)
  @UseGuards(AccountGuard)
  @ApiAstraIdParam('user_id', "The caller's own user id (the token's sub)")
  @ApiAstraIdParam('banner_id')
  @ApiNoContentResponse({ description: 'Dismissed' })
  @ApiAstraProblems({ 404: [1] })
  @ApiOperation({
    operationId: 'dismissBanner',
    summary: 'Dismiss a banner for this user (extension)',
    description:
      '204 when data.isAcknowledgeable is "true"; 403 problems/11 when it is not; 404 problems/1 when unknown, not active, invisible or already dismissed.',
  })
  async dismiss(@AuthScope() scope: AccountScope, @Param('user_id') userId: string, @Param('banner_id') bannerId: string): Promise<void> {
    await this.banners.dismiss(scope, userId, bannerId);
  }
}
