/** Builds the Hono app and the HTTP + WebSocket server: routes and middleware composed in one place. */
import type { AddressInfo } from 'node:net'
import { createAdaptorServer, upgradeWebSocket, type ServerType } from '@hono/node-server'
import { Hono } from 'hono'
import { cors } from 'hono/cors'
import type { Logger } from 'pino'
import { WebSocketServer } from 'ws'
import { createAnswerService, type AnswerHooks, type AnswerService } from './chat/answers.js'
import { createMemoryConversationStore, type ConversationStore } from './chat/conversations.js'
import type { Config } from './config.js'
import type { LlmClient } from './llm/openai.js'
import { ConnectionRegistry } from './ops/connections.js'
import { healthRoutes, statsRoutes, type ServiceState } from './ops/health.js'
import { createOriginPolicy } from './ops/origins.js'
import { clientMessageSchema } from './protocol/frames.js'
import { chatSocket } from './transport/ws.js'
import { sseChatRoutes } from './transport/sse.js'

export interface ServerOptions {
  config: Config
  logger: Logger
  llm: LlmClient | undefined
  systemPrompt: string
  conversations?: ConversationStore
  hooks?: AnswerHooks
}

export interface RunningServer {
  port: number
  state: ServiceState
  answers: AnswerService
  connections: ConnectionRegistry
  /** Graceful shutdown: readiness 503, no new sockets or answers, in-flight answers get the grace, then 1012. */
  shutdown(): Promise<void>
}

/** WebSocket close code 1012: "service restart", so clients reconnect (elsewhere). */
export const CLOSE_SERVICE_RESTART = 1012

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { config, logger } = options
  const state: ServiceState = { draining: false, startedAt: Date.now(), environment: config.env, version: config.version }
  const connections = new ConnectionRegistry()
  const conversations =
    options.conversations ??
    createMemoryConversationStore({
      maxTurns: config.history.maxTurns,
      idleTtlMs: config.history.idleTtlMs,
      maxConversations: config.history.maxConversations,
    })
  const answers = createAnswerService({
    llm: options.llm,
    conversations,
    systemPrompt: options.systemPrompt,
    logger,
    logContent: config.log.content,
    resumeGraceMs: config.answers.resumeGraceMs,
    retentionMs: config.answers.retentionMs,
    logMaxFrames: config.answers.logMaxFrames,
    ...(options.hooks ? { hooks: options.hooks } : {}),
  })
  const originAllowed = createOriginPolicy(config.cors.origins)
  const socketDeps = {
    answers,
    connections,
    logger,
    schema: clientMessageSchema(config.limits.maxContentChars),
    maxBufferedBytes: config.limits.wsMaxBufferedBytes,
  }

  const app = new Hono()
  app.use('/api/*', cors({ origin: (origin) => (originAllowed(origin) ? origin : null), credentials: true, maxAge: 600 }))
  app.route('/', healthRoutes(state))
  app.route('/', statsRoutes(connections))
  app.route('/', sseChatRoutes({ answers, maxContentChars: config.limits.maxContentChars, maxBufferedBytes: config.limits.wsMaxBufferedBytes }))

  const socketRoute = upgradeWebSocket(
    () => chatSocket(socketDeps, { userId: undefined }) as never,
    { onError: (err) => logger.error({ err }, 'socket handler failed') },
  )
  for (const path of ['/ws/chat', '/api/playground/assistant/ws']) {
    app.get(
      path,
      async function refuseUnwantedUpgrades(c, next) {
        if (state.draining) return c.json({ code: 'shutting_down', error: 'The server is shutting down; reconnect' }, 503)
        const origin = c.req.header('origin')
        // Browsers always send Origin; other clients (curl, servers) may not, and CORS cannot protect a socket.
        if (origin !== undefined && !originAllowed(origin)) {
          return c.json({ code: 'forbidden', error: `Origin ${origin} is not allowed; add it to CORS_ORIGINS` }, 403)
        }
        if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
          return c.json({ code: 'invalid_message', error: 'This endpoint speaks WebSocket; connect with a WebSocket client' }, 426)
        }
        await next()
      },
      socketRoute,
    )
  }
  app.notFound((c) => c.json({ code: 'not_found', error: `No route for ${c.req.method} ${c.req.path}; see GET /api/info` }, 404))
  app.onError((err, c) => {
    logger.error({ err, path: c.req.path }, 'request failed')
    return c.json({ code: 'internal_error', error: 'Internal error' }, 500)
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: config.limits.wsMaxPayloadBytes, perMessageDeflate: false })
  const server: ServerType = createAdaptorServer({ fetch: app.fetch, websocket: { server: wss } })
  const heartbeat = setInterval(
    () => connections.heartbeat((c) => logger.warn({ event: 'heartbeat_timeout', connectionId: c.id }, 'peer missed a heartbeat; terminated')),
    config.heartbeatIntervalMs,
  )
  heartbeat.unref()

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.port, config.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port

  let shuttingDown: Promise<void> | undefined
  const shutdown = () =>
    (shuttingDown ??= (async () => {
      state.draining = true
      logger.info({ event: 'shutdown', inFlight: answers.inFlight().length, sockets: connections.size, graceMs: config.shutdownGraceMs }, 'shutting down')
      await answers.drain(config.shutdownGraceMs)
      clearInterval(heartbeat)
      for (const connection of connections.all()) connection.close(CLOSE_SERVICE_RESTART, 'server restarting; reconnect')
      answers.close()
      await conversations.close()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        if ('closeAllConnections' in server) server.closeAllConnections()
        // Sockets that ignore the close frame are cut after a second.
        setTimeout(() => {
          for (const client of wss.clients) client.terminate()
        }, 1000).unref()
      })
    })())

  logger.info({ event: 'listening', port, host: config.host, model: config.openai.model, llm: options.llm ? 'configured' : 'unconfigured' }, `listening on ${config.host}:${port}`)
  return { port, state, answers, connections, shutdown }
}
