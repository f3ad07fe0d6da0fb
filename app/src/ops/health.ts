/** Liveness/readiness and the service's self-description. */
import { Hono } from 'hono'
import type { ConnectionRegistry } from './connections.js'

export interface ServiceState {
  draining: boolean
  startedAt: number
  /** So a page knows whether to ask for a token. */
  authMode: 'none' | 'token' | 'jwt'
  environment: string
  version: string
  /** Who answers chats: pages show an offline banner when provider is "offline". */
  llm?: { provider: 'offline' | 'openai'; model: string | null }
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

export function healthRoutes(state: ServiceState): Hono {
  const app = new Hono()
  const health = () => {
    const degraded = state.degraded()
    const status = state.draining ? 'shutting_down' : degraded ? 'degraded' : 'healthy'
    const body = {
      status,
      timestamp: new Date().toISOString(),
      uptime: (Date.now() - state.startedAt) / 1000,
      environment: state.environment,
      version: state.version,
      ...(degraded ? { reason: degraded } : {}),
    }
    // Degraded stays 200: restarting the pod would not bring Redis back, and stored answers can still resume.
    return Response.json(body, { status: state.draining ? 503 : 200 })
  }
  app.get('/health', health)
  app.get('/api/playground/assistant/health', health)
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
