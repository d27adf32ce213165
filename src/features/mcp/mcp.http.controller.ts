import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequireTrackerRole, TrackerApi } from '../../auth/tracker-api.decorator';
import { NotFoundError } from '../../platform/errors/domain-errors';
import { McpHandler, MCP_PATH, RESOURCE_METADATA_PATH } from './mcp-handler';

/**
 * MCP over Streamable HTTP (docs/mcp.md). Outside the OpenAPI document on purpose: MCP is its own JSON-RPC
 * protocol, and the tools describe themselves (tools/list: input and output schemas). Authenticated like the
 * tracker API (TRACKER_AUTH=required: a token with at least the reader role).
 */
@ApiExcludeController()
@TrackerApi()
@Controller()
export class McpHttpController {
  constructor(private readonly mcp: McpHandler) {}

  @Post(MCP_PATH)
  @RequireTrackerRole('reader')
  async post(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.mcp.handle(req, reply);
  }
}

/** RFC 9728 protected-resource metadata, served with AUTH_ISSUER set (404 otherwise); public, like any discovery document. */
@ApiExcludeController()
@Controller()
export class McpResourceMetadataController {
  constructor(private readonly mcp: McpHandler) {}

  @Get(RESOURCE_METADATA_PATH)
  @HttpCode(200)
  metadata(@Req() req: FastifyRequest) {
    const metadata = this.mcp.resourceMetadata(req);
    if (!metadata) throw new NotFoundError('No authorization server is configured (AUTH_ISSUER)');
    return metadata;
  }
}
