import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { Command } from 'commander';
import { registerTrackerTools } from '../../contract/mcp-tools';
import type { CliContext } from '../context';

/**
 * tracker mcp: the same MCP tools as the service's POST /mcp, over stdio for desktop assistants, calling
 * TRACKER_URL with TRACKER_TOKEN. Runs until the assistant closes stdin.
 */
export function mcpCommand(context: () => CliContext): Command {
  return new Command('mcp')
    .description('MCP server over stdio for assistants (the tools of POST /mcp, against TRACKER_URL)')
    .option('--write-tools', 'also offer create_event, acquire_lock, release_lock (they still need the writer role)')
    .action(async (o: { writeTools?: boolean }) => {
      const ctx = context();
      const server = new McpServer({ name: 'tracker', version: '1.0.0' });
      registerTrackerTools(server, ctx.api, { writeTools: o.writeTools === true });
      const transport = new StdioServerTransport();
      const closed = new Promise<void>((resolve) => (transport.onclose = resolve));
      await server.connect(transport);
      process.stdin.on('end', () => void server.close());
      await closed;
    });
}
