import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { randomUUID } from 'node:crypto';
import { startTestApp, TestApp } from '../support/app-harness';
import { http } from '../support/http';
import { oidcMinter } from '../support/oidc-issuer';
import { TRACKER_CALLERS, trackerHeaders, trackerVerdict } from '../support/tracker-roles';

/*
 * The MCP server at POST /mcp, through the SDK's own client over Streamable HTTP: the tools listed, each
 * called against real data, refusals as tool errors carrying the REST problem, write tools only with
 * MCP_WRITE_TOOLS=on and the writer role, and no token refused with a bearer challenge.
 */
async function connect(base: string, headers: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'tracker-e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers } }));
  return client;
}

const READ_TOOLS = ['check_deployability', 'get_dora', 'get_event', 'list_locks', 'list_overlaps', 'recent_changes', 'search_events'];
const text = (r: any) => (r.content as { text: string }[]).map((c) => c.text).join('\n');

describe('MCP over Streamable HTTP, auth off, read tools only (the default)', () => {
  let app: TestApp;
  let client: Client;
  const service = `mcp-${randomUUID().slice(0, 8)}`;
  let deploymentId: string;
  let freezeId: string;
  let freezeEnd: string;

  beforeAll(async () => {
    app = await startTestApp();
    client = await connect(app.http);
    const at = (min: number) => new Date(Date.now() - min * 60_000).toISOString();
    const create = async (body: unknown) => (await http('POST', `${app.http}/api/v1alpha1/event`, { body })).body.id as string;
    deploymentId = await create({
      title: 'Deploy v2',
      attributes: { type: 1, service, environment: 7, status: 3, startDate: at(90), endDate: at(80) },
    });
    await create({ title: 'Checkout down', attributes: { type: 4, service, environment: 7, status: 7, startDate: at(30) } });
    await create({ title: 'Old deploy', attributes: { type: 1, service, environment: 7, status: 3, startDate: at(60 * 30) } });
    await http('POST', `${app.http}/api/v1alpha1/changes`, { body: { service, sha: 'abc1234', mergedAt: at(120) } });
    await http('POST', `${app.http}/api/v1alpha1/locks`, { body: { service, environment: 7, owner: 'ci' } });
    const freeze = await http('POST', `${app.http}/api/v1alpha1/freezes`, {
      body: { name: 'Quarter close', services: [service], environments: [7], start: at(60), end: at(-60) },
    });
    expect(freeze.status).toBe(201);
    freezeId = freeze.body.id;
    freezeEnd = freeze.body.end;
  });
  afterAll(async () => {
    await client?.close();
    await app?.close();
  });

  it('lists the read tools, each with an input and an output schema', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(READ_TOOLS);
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
    }
  });

  it('search_events and get_event', async () => {
    const found: any = await client.callTool({
      name: 'search_events',
      arguments: { service, type: 'Deployment', environment: 'production' },
    });
    expect(found.isError).toBeFalsy();
    expect(found.structuredContent.events.map((e: any) => e.title)).toEqual(['Deploy v2', 'Old deploy']);
    const one: any = await client.callTool({ name: 'get_event', arguments: { id: deploymentId } });
    expect(one.structuredContent).toMatchObject({ id: deploymentId, title: 'Deploy v2', attributes: { service, status: 3 } });
  });

  it('recent_changes: the deployments, incidents and code changes in the hours before a moment', async () => {
    const r: any = await client.callTool({ name: 'recent_changes', arguments: { service, environment: 7, hours: 3 } });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent.deployments.map((e: any) => e.title)).toEqual(['Deploy v2']);
    expect(r.structuredContent.incidents.map((e: any) => e.title)).toEqual(['Checkout down']);
    expect(r.structuredContent.changes.map((c: any) => c.sha)).toEqual(['abc1234']);
  });

  it('list_overlaps, list_locks, get_dora', async () => {
    const overlaps: any = await client.callTool({
      name: 'list_overlaps',
      arguments: { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date().toISOString(), service },
    });
    expect(overlaps.isError).toBeFalsy();
    expect(overlaps.structuredContent).toBeInstanceOf(Object);
    const locks: any = await client.callTool({ name: 'list_locks', arguments: { service } });
    expect(locks.structuredContent.locks).toEqual([expect.objectContaining({ service, environment: 7, owner: 'ci' })]);
    const dora: any = await client.callTool({ name: 'get_dora', arguments: { service } });
    expect(dora.structuredContent.deploymentFrequency.count).toBe(2);
  });

  it('check_deployability: the answer of GET /deployability as structured content', async () => {
    const blocked: any = await client.callTool({
      name: 'check_deployability',
      arguments: { service, environment: 'Production', owner: 'ci' },
    });
    expect(blocked.isError).toBeFalsy();
    expect(blocked.structuredContent.allowed).toBe(false);
    expect(blocked.structuredContent.reasons).toContainEqual({ kind: 'freeze', id: freezeId, title: 'Quarter close', until: freezeEnd });
    expect(blocked.structuredContent.reasons.map((r: any) => r.kind)).not.toContain('lock');
    const anyone: any = await client.callTool({ name: 'check_deployability', arguments: { service, environment: 7 } });
    expect(anyone.structuredContent.reasons.map((r: any) => r.kind)).toEqual(expect.arrayContaining(['freeze', 'lock']));
    const rest = await http('GET', `${app.http}/api/v1alpha1/deployability?service=${service}&environment=7`);
    expect(anyone.structuredContent).toEqual(rest.body);
    const later = new Date(Date.parse(freezeEnd) + 86_400_000 * 365).toISOString();
    const elsewhere: any = await client.callTool({ name: 'check_deployability', arguments: { service, environment: 'UAT', at: later } });
    expect(elsewhere.structuredContent).toEqual({ allowed: true, reasons: [], nextAllowedAt: later });
    const bad: any = await client.callTool({ name: 'check_deployability', arguments: { service, environment: 7, at: 'soon' } });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toMatch(/^400 .*at/);
  });

  it('a refusal is a tool error carrying the problem detail, never a transport failure', async () => {
    const missing: any = await client.callTool({ name: 'get_event', arguments: { id: '507f1f77bcf86cd799439011' } });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toMatch(/^404 /);
    const hostile: any = await client.callTool({ name: 'search_events', arguments: { service, perPage: 100000, from: 'yesterday-ish' } });
    expect(hostile.isError).toBe(true);
    expect(text(hostile)).toMatch(/^400 .*(per_page|start_date)/);
    const badShape: any = await client.callTool({ name: 'get_event', arguments: { id: 42 } });
    expect(badShape.isError).toBe(true);
  });

  it('the write tools are absent, and calling one is an error', async () => {
    const r: any = await client.callTool({ name: 'create_event', arguments: { title: 'x', type: 1, service } });
    expect(r.isError).toBe(true);
    expect(text(r)).toContain('create_event');
  });
});

describe('MCP over Streamable HTTP with TRACKER_AUTH=required and MCP_WRITE_TOOLS=on', () => {
  let app: TestApp;
  const service = `mcp-auth-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    app = await startTestApp({ env: { TRACKER_AUTH: 'required', MCP_WRITE_TOOLS: 'on' } });
  });
  afterAll(() => app?.close());

  it('no token: 401 with a bearer challenge, and the SDK client cannot connect', async () => {
    const res = await fetch(`${app.http}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    await expect(connect(app.http)).rejects.toThrow(/401/);
    expect((await fetch(`${app.http}/.well-known/oauth-protected-resource`)).status).toBe(404);
  });

  /** One JSON-RPC request to /mcp, as an MCP client sends it (no session: the server is stateless). */
  const rpc = (headers: Record<string, string>, body: string, accept = 'application/json, text/event-stream') =>
    fetch(`${app.http}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept, ...headers }, body });

  it.each(TRACKER_CALLERS)('auth table: POST /mcp by %s (needs reader, like the REST reads)', async (caller) => {
    const res = await rpc(trackerHeaders(caller), JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }));
    const verdict = trackerVerdict(caller, 'reader');
    expect(res.status).toBe(verdict === 'allowed' ? 200 : verdict === 'unauthenticated' ? 401 : 403);
    if (verdict === 'allowed') expect(((await res.json()) as any).result.tools.length).toBe(10);
  });

  it('hostile requests are 4xx or JSON-RPC errors, never a 5xx, and hostile tool arguments are tool errors', async () => {
    const reader = trackerHeaders('reader');
    const call = (name: string, args: unknown) =>
      JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name, arguments: args } });
    const bodies: [string, string?][] = [
      [''],
      ['not json'],
      ['[]'],
      ['{}'],
      ['{"jsonrpc":"2.0"}'],
      ['{"jsonrpc":"2.0","id":1,"method":"no/such/method"}'],
      [JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'tools/list' })))],
      [call('get_event', { id: { $gt: '' } })],
      [call('get_event', { id: '../../etc/passwd' })],
      [call('search_events', { service: 'x'.repeat(100_000) })],
      [call('list_overlaps', { from: '2024-13-45', to: 'never' })],
      [call('get_dora', { environment: 'Mars' })],
      [call('check_deployability', { service: { $ne: null }, environment: 99 })],
      [call('check_deployability', { service: 'api', environment: 7, at: '2024-02-30T25:00:00Z' })],
      [call('nope', {})],
      [JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), 'text/html'],
    ];
    for (const [body, accept] of bodies) {
      const res = await rpc(reader, body, accept);
      expect({ body: body.slice(0, 80), status: res.status < 500 }).toEqual({ body: body.slice(0, 80), status: true });
      const answer = await res.text();
      if (res.status === 200 && body.includes('tools/call'))
        expect({ body: body.slice(0, 80), isError: JSON.parse(answer).result?.isError ?? JSON.parse(answer).error !== undefined }).toEqual({
          body: body.slice(0, 80),
          isError: true,
        });
    }
    expect((await rpc(reader, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }))).status).toBe(200);
  });

  it('a reader sees the write tools but is refused by their routes (403 as a tool error); a writer uses them', async () => {
    const reader = await connect(app.http, trackerHeaders('reader'));
    const { tools } = await reader.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...READ_TOOLS, 'acquire_lock', 'create_event', 'release_lock'].sort());
    const refused: any = await reader.callTool({ name: 'create_event', arguments: { title: 'x', type: 1, service } });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/^403 .*writer/);
    await reader.close();

    const writer = await connect(app.http, trackerHeaders('writer'));
    const created: any = await writer.callTool({
      name: 'create_event',
      arguments: { title: 'From an assistant', type: 'Operation', service, environment: 'UAT' },
    });
    expect(created.isError).toBeFalsy();
    expect(created.structuredContent).toMatchObject({ title: 'From an assistant', attributes: { type: 2, environment: 4, source: 'mcp' } });
    const lock: any = await writer.callTool({ name: 'acquire_lock', arguments: { service, environment: 4, reason: 'assistant' } });
    expect(lock.isError).toBeFalsy();
    const held: any = await writer.callTool({ name: 'list_locks', arguments: { service } });
    expect(held.structuredContent.locks.map((l: any) => l.id)).toEqual([lock.structuredContent.id]);
    const released: any = await writer.callTool({ name: 'release_lock', arguments: { id: lock.structuredContent.id } });
    expect(released.isError).toBeFalsy();
    const invalid: any = await writer.callTool({ name: 'acquire_lock', arguments: { service, environment: 4, ttlSeconds: 1 } });
    expect(invalid.isError).toBe(true);
    expect(text(invalid)).toMatch(/^400 .*ttlSeconds/);
    await writer.close();
  });
});

describe('MCP protected-resource metadata with AUTH_ISSUER set', () => {
  it('serves RFC 9728 metadata naming the issuer, and the 401 points at it', async () => {
    const minter = oidcMinter('RS256');
    const app = await startTestApp({ env: { ...(await minter.start()), TRACKER_AUTH: 'required' } });
    try {
      const meta = await fetch(`${app.http}/.well-known/oauth-protected-resource`);
      const body = (await meta.json()) as { resource: string; authorization_servers: string[] };
      expect(body.resource).toBe(`${app.http}/mcp`);
      expect(body.authorization_servers).toHaveLength(1);
      const res = await fetch(`${app.http}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${app.http}/.well-known/oauth-protected-resource"`);
    } finally {
      await app.close();
      await minter.stop();
    }
  });
});
