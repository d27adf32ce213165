import { Controller, Delete, Get, Headers, HttpCode, Options, Param, Patch, Post, Put, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeEndpoint, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { negotiate } from '../activity-log/content-negotiation';
import { AccountGuard, AuthScope } from '../common/auth/account.guard';
import type { AccountScope } from '../common/auth/account-scope';
import { BannersService } from './banners.service';
import { methodNotAllowed } from '../common/http/method-not-allowed';

const BANNERS_MEDIA_TYPE = 'application/astra-banners+json';
const READ_ONLY = 'GET, HEAD';
const DELETE_ONLY = 'DELETE';

/**
 * Banners: a Tracker extension (Astra publishes no banner endpoint; docs/astra-extensions.md). Active banners
 * of the account, a user's own view without what they dismissed, and dismissal of acknowledgeable ones.
 */
@ApiTags('Banners (Tracker extension to the Astra API)')
@ApiBearerAuth()
@ApiParam({ name: 'account_id', description: 'Account UUID (must be in the bearer token)' })
@Controller('accounts/:account_id/core/v1')
export class BannersHttpController {
  constructor(private readonly banners: BannersService) {}

  @Get('banners')
  @UseGuards(AccountGuard)
  @ApiOperation({
    summary: 'List active banners (extension)',
    description:
      'Events with the banner destination the caller may read, until they expire (data.ttl) or a cleared event with the same summary and correlationID arrives. Items: type application/astra-banner, version 1.0, the event fields (data.isAcknowledgeable, descriptionURL, correctiveActionURL) and their own id. Astra list conventions; envelope type application/astra-banners.',
  })
  async list(@AuthScope() scope: AccountScope, @Query() query: Record<string, unknown>, @Headers('accept') accept: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const media = negotiate(accept, BANNERS_MEDIA_TYPE);
    const body = await this.banners.list(scope, query);
    void reply.header('content-type', media);
    return body;
  }

  @Get('users/:user_id/banners')
  @UseGuards(AccountGuard)
  @ApiParam({ name: 'user_id', description: "The caller's own user id (the token's sub)" })
  @ApiOperation({ summary: "List the active banners the user has not dismissed (extension)" })
  async listForUser(
    @AuthScope() scope: AccountScope,
    @Param('user_id') userId: string,
    @Query() query: Record<string, unknown>,
    @Headers('accept') accept: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const media = negotiate(accept, BANNERS_MEDIA_TYPE);
    const body = await this.banners.list(scope, query, userId);
    void reply.header('content-type', media);
    return body;
  }

  @Delete('users/:user_id/banners/:banner_id')
  @HttpCode(204)
  @UseGuards(AccountGuard)
  @ApiParam({ name: 'user_id', description: "The caller's own user id (the token's sub)" })
  @ApiOperation({
    summary: 'Dismiss a banner for this user (extension)',
    description: '204 when data.isAcknowledgeable is "true"; 403 problems/11 when it is not; 404 problems/1 when unknown, not active, invisible or already dismissed.',
  })
  async dismiss(@AuthScope() scope: AccountScope, @Param('user_id') userId: string, @Param('banner_id') bannerId: string): Promise<void> {
    await this.banners.dismiss(scope, userId, bannerId);
  }

  @ApiExcludeEndpoint() @Post('banners') postBanners(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, READ_ONLY); }
  @ApiExcludeEndpoint() @Put('banners') putBanners(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, READ_ONLY); }
  @ApiExcludeEndpoint() @Patch('banners') patchBanners(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, READ_ONLY); }
  @ApiExcludeEndpoint() @Delete('banners') deleteBanners(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, READ_ONLY); }
  @ApiExcludeEndpoint() @Post('users/:user_id/banners') postUserBanners(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, READ_ONLY); }
  @ApiExcludeEndpoint() @Put('users/:user_id/banners') putUserBanners(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, READ_ONLY); }
  @ApiExcludeEndpoint() @Delete('users/:user_id/banners') deleteUserBanners(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, READ_ONLY); }
  @ApiExcludeEndpoint() @Get('users/:user_id/banners/:banner_id') getUserBanner(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, DELETE_ONLY); }
  @ApiExcludeEndpoint() @Put('users/:user_id/banners/:banner_id') putUserBanner(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, DELETE_ONLY); }
  @ApiExcludeEndpoint() @Post('users/:user_id/banners/:banner_id') postUserBanner(@Res({ passthrough: true }) r: FastifyReply): never { return methodNotAllowed(r, DELETE_ONLY); }
}
