/** Liveness (/health) and readiness (/api/playground/assistant/health) probes, and the service's self-description. */
import { Hono } from 'hono'
import type { ConnectionRegistry } from './connections.js'

export interface ServiceState {
  draining: boolean
  startedAt: number
  /** So a page knows whether to ask for a token. */
  authMode: 'none' | 'token' | 'jwt' | 'gateway'
  environment: string
  version: string
  /** Who answers chats: pages show an offline banner when provider is "offline". */
  llm?: { provider: 'offline' | 'openai' | 'vertex'; model: string | null }
  /** A reason when a shared dependency (Redis) is unreachable: answers are refused, the process stays up. */
  degraded: () => string | undefined
}

export const ENDPOINTS = {
  websocket: '/ws/chat',
  websocketAlias: '/api/playground/assistant/ws',
  chat: 'POST /api/playground/assistant/chat',
  resume: 'GET /api/playground/assistant/chat/:messageId',
  health: '/health',
  readiness: '/api/playground/assistant/health',
  info: '/api/info',
  openapi: 'GET /api/openapi.json',
  playground: 'GET / (unless PLAYGROUND_ENABLED=false)',
  stats: '/api/stats',
  metrics: '/metrics',
  conversations: 'GET /api/conversations, GET|PATCH|DELETE /api/conversations/:conversationId',
  openaiChatCompletions: 'POST /v1/chat/completions',
  openaiModels: 'GET /v1/models',
  knowledgeSearch: 'GET /api/knowledge/search?q=',
}

/** The body both probes answer with: what the process is doing, and why when it is not plainly healthy. */
function healthBody(state: ServiceState): Record<string, unknown> {
  const degraded = state.degraded()
  return {
    status: state.draining ? 'shutting_down' : degraded ? 'degraded' : 'healthy',
    timestamp: new Date().toISOString(),
    uptime: (Date.now() - state.startedAt) / 1000,
    environment: state.environment,
    version: state.version,
    ...(degraded ? { reason: degraded } : {}),
  }
}

export function healthRoutes(state: ServiceState): Hono {
  const app = new Hono()
  // Liveness: the process answers, so it is alive. Never 503 while draining (a restart would cut the answers
  // that are finishing) nor while Redis is away (a restart would not bring Redis back).
  function liveness(): Response {
    return Response.json(healthBody(state), { status: 200 })
  }
  // Readiness: 503 while draining, so load balancers stop sending new work. Degraded stays 200: every
  // instance shares the same Redis, so taking them out of rotation would not help, and stored answers resume.
  function readiness(): Response {
    return Response.json(healthBody(state), { status: state.draining ? 503 : 200 })
  }
  app.get('/health', liveness)
  app.get('/api/playground/assistant/health', readiness)
  app.get('/api/info', (c) =>
    c.json({
      name: 'Hedera Playground Assistant',
      version: state.version,
      description: 'Streaming AI coding assistant for Hedera developers (WebSocket and Server-Sent Events)',
      ...(state.llm ? { llm: state.llm } : {}),
      endpoints: ENDPOINTS,
      auth: { mode: state.authMode },
    }),
  )
  return app
}

export function statsRoutes(connections: ConnectionRegistry): Hono {
  const app = new Hono()
  app.get('/api/stats', (c) =>
    c.json({
      activeConnections: connections.size,
      connections: connections.all().map(({ id, isAlive, messageCount }) => ({ id, isAlive, messageCount })),
      heartbeatTerminations: connections.heartbeatTerminations,
    }),
  )
  return app
}
