import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import createClient from 'openapi-fetch';
import type { paths } from '../../contract/api-types';
import { registerTrackerTools } from '../../contract/mcp-tools';
import { AppConfig } from '../../platform/config/app-config.service';

export const MCP_PATH = '/mcp';
export const RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource';

/** The headers an in-process REST call carries over from the MCP request: who is calling, and its correlation id. */
const FORWARDED = ['authorization', 'x-request-id'] as const;

/**
 * Answers MCP over Streamable HTTP, stateless: each POST gets its own McpServer and transport (JSON answers, no
 * session), so any instance answers any request. The tools call the service's own REST routes in-process
 * (Fastify inject) with the caller's Authorization header and address: the routes' DTOs validate the arguments,
 * their guards check the tracker role and the rate limit, and their problems come back as tool errors.
 */
@Injectable()
export class McpHandler implements OnModuleInit {
  private readonly logger = new Logger(McpHandler.name);

  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly config: AppConfig,
  ) {}

  private get fastify(): FastifyInstance {
    return this.adapter.httpAdapter.getInstance<FastifyInstance>();
  }

  /**
   * A 401 from /mcp tells an MCP client where to find the authorization server (RFC 9728): the
   * protected-resource metadata with AUTH_ISSUER set, else a plain bearer challenge.
   */
  onModuleInit(): void {
    this.fastify.addHook('onSend', async (req, reply, payload) => {
      if (reply.statusCode === 401 && req.url.split('?')[0] === MCP_PATH) {
        const issuer = this.config.mcp.issuer;
        void reply.header('www-authenticate', issuer ? `Bearer resource_metadata="${baseUrl(req)}${RESOURCE_METADATA_PATH}"` : 'Bearer');
      }
      return payload;
    });
  }

  async handle(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const server = new McpServer({ name: 'tracker', version: '1.0.0' });
    registerTrackerTools(server, this.client(req), { writeTools: this.config.mcp.writeTools });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.hijack();
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req.raw, reply.raw, req.body);
    } catch (err) {
      // The reply is hijacked, so the exception filter cannot answer: a JSON-RPC internal error, logged.
      this.logger.error({ err }, 'MCP request failed');
      if (!reply.raw.headersSent) {
        reply.raw.writeHead(500, { 'content-type': 'application/json' });
        reply.raw.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32603, message: 'Internal error' } }));
      }
    }
  }

  /** The REST API as this caller sees it, through Fastify inject instead of the network. */
  private client(req: FastifyRequest) {
    const forwarded: Record<string, string> = {};
    for (const name of FORWARDED) {
      const value = req.headers[name];
      if (typeof value === 'string') forwarded[name] = value;
    }
    const inject = async (request: Request): Promise<Response> => {
      const url = new URL(request.url);
      const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
      const headers: Record<string, string> = { ...Object.fromEntries(request.headers.entries()), ...forwarded };
      const res = await this.fastify.inject({
        method: request.method as 'GET',
        url: `${url.pathname}${url.search}`,
        headers,
        payload: body,
        remoteAddress: req.ip,
      });
      const answerHeaders = new Headers();
      for (const [name, value] of Object.entries(res.headers)) {
        if (value === undefined) continue;
        for (const v of Array.isArray(value) ? value : [value]) answerHeaders.append(name, String(v));
      }
      const empty = res.statusCode === 204 || res.rawPayload.length === 0;
      return new Response(empty ? null : new Uint8Array(res.rawPayload), { status: res.statusCode, headers: answerHeaders });
    };
    return createClient<paths>({ baseUrl: 'http://tracker.internal', fetch: inject });
  }

  /** RFC 9728 protected-resource metadata: this service's /mcp, protected by AUTH_ISSUER's tokens. */
  resourceMetadata(
    req: FastifyRequest,
  ): { resource: string; authorization_servers: string[]; bearer_methods_supported: string[] } | undefined {
    const issuer = this.config.mcp.issuer;
    if (!issuer) return undefined;
    return { resource: `${baseUrl(req)}${MCP_PATH}`, authorization_servers: [issuer], bearer_methods_supported: ['header'] };
  }
}

function baseUrl(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}
