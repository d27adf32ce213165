/** The MCP server's public surface (dependency-cruiser keeps other modules to this file): its module, which the app lists. */
export { McpModule } from './mcp.module';
