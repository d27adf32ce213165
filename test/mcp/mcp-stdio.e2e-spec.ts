import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { randomUUID } from 'node:crypto';
import { startTestApp, TestApp } from '../support/app-harness';
import { TRACKER_BIN } from '../support/cli-process';
import { http } from '../support/http';
import { trackerHeaders } from '../support/tracker-roles';

/*
 * `tracker mcp` over stdio, as a desktop assistant starts it, through the SDK's own stdio client: the same
 * tools as POST /mcp, against TRACKER_URL with TRACKER_TOKEN.
 */
async function spawnMcp(env: Record<string, string>, args: string[] = []): Promise<Client> {
  const client = new Client({ name: 'tracker-stdio-e2e', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [TRACKER_BIN, 'mcp', ...args],
      env: { PATH: process.env.PATH ?? '', ...env },
      stderr: 'pipe',
    }),
  );
  return client;
}

describe('tracker mcp over stdio', () => {
  let app: TestApp;
  const service = `stdio-${randomUUID().slice(0, 8)}`;
  let eventId: string;

  beforeAll(async () => {
    app = await startTestApp({ env: { TRACKER_AUTH: 'required' } });
    const writer = trackerHeaders('writer');
    eventId = (
      await http('POST', `${app.http}/api/v1alpha1/event`, {
        headers: writer,
        body: {
          title: 'Deploy v3',
          attributes: { type: 1, service, environment: 7, status: 3, startDate: new Date(Date.now() - 3_600_000).toISOString() },
        },
      })
    ).body.id;
  });
  afterAll(() => app?.close());

  it('lists the read tools and calls each, with the token from TRACKER_TOKEN', async () => {
    const token = trackerHeaders('reader').authorization.replace('Bearer ', '');
    const client = await spawnMcp({ TRACKER_URL: app.http, TRACKER_TOKEN: token });
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual([
        'check_deployability',
        'get_dora',
        'get_event',
        'list_locks',
        'list_overlaps',
        'recent_changes',
        'search_events',
      ]);
      const now = new Date().toISOString();
      const calls: [string, Record<string, unknown>][] = [
        ['search_events', { service }],
        ['get_event', { id: eventId }],
        ['recent_changes', { service, environment: 'Production' }],
        ['list_overlaps', { from: new Date(Date.now() - 86_400_000).toISOString(), to: now }],
        ['list_locks', {}],
        ['check_deployability', { service, environment: 'Production' }],
        ['get_dora', { service }],
      ];
      for (const [name, args] of calls) {
        const r: any = await client.callTool({ name, arguments: args });
        expect({ name, isError: r.isError ?? false }).toEqual({ name, isError: false });
      }
      const got: any = await client.callTool({ name: 'get_event', arguments: { id: eventId } });
      expect(got.structuredContent).toMatchObject({ id: eventId, title: 'Deploy v3' });
      const recent: any = await client.callTool({ name: 'recent_changes', arguments: { service } });
      expect(recent.structuredContent.deployments.map((e: any) => e.id)).toEqual([eventId]);
      const refused: any = await client.callTool({ name: 'acquire_lock', arguments: { service, environment: 7 } });
      expect(refused.isError).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('without a token every call is a tool error with the 401 problem; --write-tools with a writer token writes', async () => {
    const anonymous = await spawnMcp({ TRACKER_URL: app.http });
    try {
      const r: any = await anonymous.callTool({ name: 'search_events', arguments: { service } });
      expect(r.isError).toBe(true);
      expect(r.content[0].text).toMatch(/^401 /);
    } finally {
      await anonymous.close();
    }
    const token = trackerHeaders('writer').authorization.replace('Bearer ', '');
    const writer = await spawnMcp({ TRACKER_URL: app.http, TRACKER_TOKEN: token }, ['--write-tools']);
    try {
      const created: any = await writer.callTool({ name: 'create_event', arguments: { title: 'via stdio', type: 2, service } });
      expect(created.isError).toBeFalsy();
      expect(created.structuredContent).toMatchObject({ title: 'via stdio', attributes: { source: 'mcp' } });
    } finally {
      await writer.close();
    }
  });
});
