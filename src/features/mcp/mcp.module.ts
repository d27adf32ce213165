import { Module } from '@nestjs/common';
import { McpHandler } from './mcp-handler';
import { McpHttpController, McpResourceMetadataController } from './mcp.http.controller';

/**
 * The MCP server for assistants (docs/mcp.md): POST /mcp (Streamable HTTP, @modelcontextprotocol/sdk) and the
 * protected-resource metadata. Its tools reach the other features through their REST routes only (in-process),
 * so it imports no other feature.
 */
@Module({
  controllers: [McpHttpController, McpResourceMetadataController],
  providers: [McpHandler],
})
export class McpModule {}
