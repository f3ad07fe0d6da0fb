/** POST /mcp: the MCP Streamable HTTP endpoint, stateless (a server per request), behind the guard, the origin policy and the rate limits. */
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { Counter, type Registry } from 'prom-client'
import { isAdmissionRefusal, type Guard } from '../guard/guard.js'
import { isRefusal } from '../guard/limits.js'
import { ZERO_USAGE, type AnswerLease } from '../chat/start-request.js'
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import type { CodeChecks } from '../mcp/code-checks.js'
import { createMcpServices } from '../mcp/services.js'
import { TOOL_NAMES } from '../mcp/tools.js'
import { httpError, refusalResponse } from './http-error.js'

export interface McpRouteDeps {
  knowledge: KnowledgeBase
  guard: Pick<Guard, 'admit' | 'beforeChat'>
  version: string
  maxBodyBytes: number
  /** The code checks behind check_code and explain_status; the knowledge base's own by default. */
  checks?: CodeChecks
  /** The server's metrics registry: MCP requests are counted by method and tool. */
  registry?: Registry
  /** The server's CORS origin policy: a browser page from another origin must not drive the tools (DNS rebinding). */
  originAllowed?: (origin: string) => boolean
}

/** Calls that do work count against the chat rate limit; the handshake and the lists are free. */
const COUNTED = new Set(['tools/call', 'resources/read'])
const KNOWN_METHODS = new Set(['initialize', 'notifications/initialized', 'ping', 'tools/list', 'tools/call', 'resources/list', 'resources/templates/list', 'resources/read', 'completion/complete'])

/** The MCP SDK (and its zod and ajv: ~8 MB of heap) loads with the first request, not with every server. */
let mcpModules: Promise<[typeof import('../mcp/mcp-server.js'), typeof import('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js')]> | undefined
function loadMcp(): NonNullable<typeof mcpModules> {
  mcpModules ??= Promise.all([import('../mcp/mcp-server.js'), import('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js')])
  return mcpModules
}

interface JsonRpcMessage {
  method?: unknown
  params?: { name?: unknown }
}

export function mcpRoutes(deps: McpRouteDeps): Hono {
  const services = createMcpServices(deps.knowledge, deps.checks)
  const requests = deps.registry ? new Counter({ name: 'assistant_mcp_requests_total', help: 'MCP requests by JSON-RPC method and tool', labelNames: ['method', 'tool'], registers: [deps.registry] }) : undefined
  const toolNames = new Set<string>(TOOL_NAMES)
  const app = new Hono()

  app.post(
    '/mcp',
    bodyLimit({ maxSize: deps.maxBodyBytes, onError: () => httpError('payload_too_large', `The request body is over ${deps.maxBodyBytes} bytes; send less`, { headers: { connection: 'close' } }) }),
    async function mcpRequest(c) {
      const origin = c.req.header('origin')
      if (origin !== undefined && deps.originAllowed && !deps.originAllowed(origin)) return httpError('forbidden', `Origin ${origin} is not allowed; add it to CORS_ORIGINS`)
      const admission = await deps.guard.admit(c)
      if (isAdmissionRefusal(admission)) return refusalResponse(admission)
      let body: unknown
      try {
        body = JSON.parse(await c.req.text())
      } catch {
        return Response.json({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: the body is not JSON; send one JSON-RPC message' } }, { status: 400 })
      }
      const messages = (Array.isArray(body) ? body : [body]).filter((m): m is JsonRpcMessage => typeof m === 'object' && m !== null)
      for (const m of messages) {
        const method = typeof m.method === 'string' && KNOWN_METHODS.has(m.method) ? m.method : 'other'
        const tool = method === 'tools/call' && typeof m.params?.name === 'string' && toolNames.has(m.params.name) ? m.params.name : ''
        requests?.inc({ method, tool })
      }
      const counted = messages.filter((m) => typeof m.method === 'string' && COUNTED.has(m.method)).length
      // A batch of calls would pass the rate limit as one; the current protocol has no batches anyway.
      if (counted > 1) return Response.json({ jsonrpc: '2.0', id: null, error: { code: -32600, message: `The batch holds ${counted} tools/call or resources/read requests; send one per POST` } }, { status: 400 })
      let lease: AnswerLease | undefined
      if (counted === 1) {
        const granted = await deps.guard.beforeChat(admission.key)
        if (isRefusal(granted)) return httpError('rate_limited', granted.error, { extra: { retryAfter: granted.retryAfter } })
        lease = granted
      }
      // Stateless: every tool is a read of what this process holds, so no session needs to outlive the request,
      // and any instance behind the load balancer can answer any request.
      const [{ createMcpServer }, { WebStandardStreamableHTTPServerTransport }] = await loadMcp()
      const server = createMcpServer(services, deps.version)
      const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
      try {
        await server.connect(transport)
        return await transport.handleRequest(c.req.raw, { parsedBody: body })
      } finally {
        // A tool call spends no model tokens; ending the lease frees the concurrency slot.
        lease?.end(ZERO_USAGE)
        // JSON responses are complete when handleRequest resolves, so nothing is cut.
        await server.close()
      }
    },
  )
  // A stateless server has no stream to offer on GET and no session to end with DELETE (the spec's answer is 405).
  app.on(['GET', 'DELETE'], '/mcp', (c) =>
    httpError('method_not_allowed', `${c.req.method} is not allowed on /mcp: this server is stateless; send JSON-RPC messages with POST`, { headers: { allow: 'POST' } }),
  )
  return app
}
