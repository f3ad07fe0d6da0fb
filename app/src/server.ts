/** Builds the Hono app and the HTTP + WebSocket server: routes and middleware composed in one place. */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAdaptorServer, type ServerType } from '@hono/node-server'
import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import type { Logger } from 'pino'
import { WebSocketServer } from 'ws'
import { createAnswerService, type AnswerHooks, type AnswerService } from './chat/answer-service.js'
import { createMemoryConversationIndex, type ConversationIndex } from './chat/conversation-index.js'
import type { ConversationStore } from './chat/conversations.js'
import { createLocalCoordinator, type Coordinator } from './chat/coordinator.js'
import type { Config } from './config.js'
import type { LlmClient } from './llm/openai.js'
import { ConnectionRegistry } from './ops/connections.js'
import { healthRoutes, statsRoutes, type ServiceState } from './ops/health.js'
import { createOriginPolicy } from './ops/origins.js'
import { clientMessageSchema } from './protocol/frames.js'
import { chatSocket, type SocketDeps, type SocketIdentity } from './transport/ws.js'
import { bindSocket, serveUpgrades, type UpgradeEnv } from './transport/ws-upgrade.js'
import { conversationRoutes } from './transport/conversation-routes.js'
import { sseChatRoutes } from './transport/sse.js'
import { httpError, refusalResponse } from './transport/http-error.js'
import { knowledgeRoutes } from './transport/knowledge-routes.js'
import type { KnowledgeBase } from './knowledge/knowledge-base.js'
import { openAiCompatRoutes } from './transport/openai-compat/routes.js'
import { userAiKeyRoutes } from './transport/user-ai-key-routes.js'
import type { Byok } from './keys/byok.js'
import { createAuthenticator } from './guard/auth.js'
import { BEARER_PROTOCOL } from './guard/credentials.js'
import { createGuard, isAdmissionRefusal, operatorTokenMatches } from './guard/guard.js'
import { createMemoryLimiter, type Limiter } from './guard/limits.js'
import { createMetrics, type Metrics } from './ops/metrics.js'
import { playgroundRoutes } from './page/playground-routes.js'
import { openApiDocument } from './api-docs/openapi.js'
import { allowedMethodsOf, methodNotAllowed } from './api-docs/allowed-methods.js'

export interface ServerOptions {
  config: Config
  logger: Logger
  llm: LlmClient | undefined
  systemPrompt: string
  conversations?: ConversationStore & ConversationIndex
  /** Shared state between instances (Redis); a single instance by default. */
  coordinator?: Coordinator
  hooks?: AnswerHooks
  /** A shared limiter (Redis) for many instances; in-memory by default. */
  limiter?: Limiter
  /** The clock of the in-memory limits and the per-socket message budget (ms); tests inject one. */
  clock?: () => number
  /** The knowledge base: search endpoint, API check of every answer, and grounding when config.knowledge.enabled. */
  knowledge?: KnowledgeBase
  /** Users' own keys (BYOK_KMS_KEY_NAME or BYOK_LOCAL_KEY); the key routes explain how to turn it on when absent. */
  byok?: Byok
}

export interface RunningServer {
  port: number
  /** The separate metrics port when METRICS_PORT is set. */
  metricsPort: number | undefined
  metrics: Metrics
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
  const state: ServiceState = {
    draining: false,
    startedAt: Date.now(),
    authMode: config.auth.mode,
    environment: config.env,
    version: config.version,
    llm: { provider: config.llm.provider, model: options.llm?.model ?? null },
    degraded: () => (coordinator.healthy() ? undefined : 'the shared store (Redis) is unreachable; new answers are refused until it returns'),
  }
  const connections = new ConnectionRegistry()
  const conversations =
    options.conversations ??
    createMemoryConversationIndex({
      maxTurns: config.history.maxTurns,
      idleTtlMs: config.history.idleTtlMs,
      maxConversations: config.history.maxConversations,
      maxPerUser: config.history.maxPerUser,
    })
  const coordinator = options.coordinator ?? createLocalCoordinator()
  // Hooks are filled in below (metrics, limits); the array is read on every answer.
  const hooks: AnswerHooks[] = options.hooks ? [options.hooks] : []
  const answers = createAnswerService({
    llm: options.llm,
    conversations,
    coordinator,
    // A conversation stays claimed at most as long as an answer may take, so a crashed instance frees it.
    claimTtlMs: config.openai.answerTimeoutMs + 60_000,
    staleMs: Math.max(config.openai.idleTimeoutMs, config.openai.firstTokenTimeoutMs) + 2000,
    systemPrompt: options.systemPrompt,
    logger,
    logContent: config.log.content,
    resumeGraceMs: config.answers.resumeGraceMs,
    retentionMs: config.answers.retentionMs,
    retainedMax: config.answers.retainedMax,
    logMaxFrames: config.answers.logMaxFrames,
    deltaCoalesceMs: config.answers.deltaCoalesceMs,
    ...(options.knowledge ? { knowledge: options.knowledge } : {}),
    // The offline client reads the knowledge base itself; grounding is for a model.
    grounding: config.knowledge.enabled && config.llm.provider !== 'offline',
    hooks: {
      started: (a) => hooks.forEach((h) => h.started?.(a)),
      firstToken: (a, ms) => hooks.forEach((h) => h.firstToken?.(a, ms)),
      finished: (a, outcome, info) => hooks.forEach((h) => h.finished?.(a, outcome, info)),
    },
  })
  const metrics = createMetrics({ openSockets: () => connections.size, answersInFlight: () => answers.inFlight().length })
  hooks.push(metrics.hooks)
  const originAllowed = createOriginPolicy(config.cors.origins)
  const guard = createGuard({
    authenticate: createAuthenticator(config.auth),
    limiter: options.limiter ?? createMemoryLimiter(config.rateLimits, options.clock),
    trustedProxyHops: config.trustedProxyHops,
    onRefused: (limit) => metrics.rateLimited(limit),
    onAuthRefused: (transport) => metrics.authRefused(transport),
  })
  hooks.push(guard.hooks)
  const socketDeps: SocketDeps = {
    answers,
    connections,
    logger,
    guard,
    coordinator,
    mayJoin: async (conversationId, userId) => {
      // Without authentication the unguessable id is the capability; with it, only the owner joins. Joining
      // reads the owner and never claims one: a subscribe must not create (or evict) conversations.
      if (userId === undefined) return true
      return (await conversations.ownerOf(conversationId)) === userId
    },
    schema: clientMessageSchema(config.limits.maxContentChars),
    maxBufferedBytes: config.limits.wsMaxBufferedBytes,
    maxMessagesPerSecond: config.limits.wsMaxMessagesPerSecond,
    onRejectedFrame: (reason) => metrics.frameRejected(reason),
    onSendOverflow: () => metrics.sendOverflow(),
    ...(options.clock ? { now: options.clock } : {}),
  }

  const app = new Hono<{ Variables: { socket: SocketIdentity } }>()
  const corsPolicy = cors({
    origin: (origin) => (originAllowed(origin) ? origin : null),
    // With CORS_ORIGINS=* any site may call the API, so none may do it with the visitor's cookies.
    credentials: !config.cors.origins?.includes('*'),
    maxAge: 600,
    // Without these a page cannot read the ids of an SSE answer or when to retry.
    exposeHeaders: ['x-message-id', 'x-conversation-id', 'retry-after'],
  })
  app.use('/api/*', corsPolicy)
  app.use('/v1/*', corsPolicy)
  // Request bodies are bounded like socket frames, before anything reads them (a JSON parse of 1 GB would not be).
  const maxBody = config.limits.wsMaxPayloadBytes
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: maxBody,
      // The rest of the body is never read, so the connection cannot carry another request: close it.
      onError: () =>
        httpError('payload_too_large', `The request body is over ${maxBody} bytes; send less`, { headers: { connection: 'close' } }),
    }),
  )
  app.route('/', healthRoutes(state))
  const openApi = openApiDocument({ version: config.version, maxContentChars: config.limits.maxContentChars, authMode: config.auth.mode })
  app.get('/api/openapi.json', (c) => c.json(openApi))
  app.use('*', methodNotAllowed(allowedMethodsOf(openApi)))
  if (config.playground.enabled) app.route('/', playgroundRoutes())
  app.use('/api/stats', async function guardStats(c, next) {
    // Per-connection detail is for operators: ADMIN_TOKEN when set, else any authenticated user, else open (local development).
    if (config.adminToken) {
      if (!operatorTokenMatches(config.adminToken, c)) return httpError('unauthorized', 'This endpoint needs the admin token: Authorization: Bearer <ADMIN_TOKEN>')
    } else {
      const admission = await guard.admit(c)
      if (isAdmissionRefusal(admission)) return refusalResponse(admission)
    }
    await next()
  })
  app.route('/', statsRoutes(connections))
  app.route('/', conversationRoutes({ conversations, coordinator, guard }))
  app.route('/', userAiKeyRoutes({ keys: options.byok?.keys, guard, onError: (reason) => logger.info({ event: 'user_ai_key_refused', reason }, 'a user key request was refused') }))
  if (options.knowledge) app.route('/', knowledgeRoutes({ knowledge: options.knowledge, guard }))
  app.route('/', sseChatRoutes({ answers, guard, maxContentChars: config.limits.maxContentChars, maxBufferedBytes: config.limits.wsMaxBufferedBytes }))
  app.route(
    '/',
    openAiCompatRoutes({
      answers,
      guard,
      modelId: config.openaiCompat.modelId,
      createdAt: Math.floor(state.startedAt / 1000),
      maxContentChars: config.limits.maxContentChars,
      maxHistory: config.history.maxTurns,
      maxBodyBytes: maxBody,
      maxBufferedBytes: config.limits.wsMaxBufferedBytes,
    }),
  )
  if (config.metrics.port === 0) {
    app.get('/metrics', async (c) => {
      if (config.metrics.token && !operatorTokenMatches(config.metrics.token, c)) {
        return httpError('unauthorized', 'This endpoint needs the metrics token: Authorization: Bearer <METRICS_TOKEN>')
      }
      return c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType })
    })
  }

  // The route admits; the socket is opened by serveUpgrades below, which keeps nothing of the request.
  const acceptSocket = (c: Context) => {
    ;(c.env as UpgradeEnv<SocketIdentity>).accepted = c.get('socket') as SocketIdentity
    return c.body(null, 200)
  }
  for (const path of ['/ws/chat', '/api/playground/assistant/ws']) {
    app.get(
      path,
      async function refuseUnwantedUpgrades(c, next) {
        if (state.draining) return httpError('shutting_down', 'The server is shutting down; reconnect')
        const origin = c.req.header('origin')
        // Browsers always send Origin; other clients (curl, servers) may not, and CORS cannot protect a socket.
        if (origin !== undefined && !originAllowed(origin)) {
          return httpError('forbidden', `Origin ${origin} is not allowed; add it to CORS_ORIGINS`)
        }
        if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
          return httpError('invalid_message', 'This endpoint speaks WebSocket; connect with a WebSocket client', { status: 426 })
        }
        // The credential and the connection limits are checked before the upgrade: a refused client never gets a socket.
        const admission = await guard.admitSocket(c)
        if (isAdmissionRefusal(admission)) return refusalResponse(admission)
        // The slot lives as long as the TCP connection: when ws refuses the handshake (or the client hangs
        // up first) no socket ever opens, so onClose never runs to free it.
        const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
        if (incoming) incoming.socket.once('close', () => admission.slot.release())
        else admission.slot.release()
        c.set('socket', { userId: admission.identity.userId, key: admission.key, expiresAt: admission.identity.expiresAt, slot: admission.slot })
        await next()
      },
      acceptSocket,
    )
  }
  app.notFound((c) => httpError('not_found', `No route for ${c.req.method} ${c.req.path}; see GET /api/info`))
  app.onError((err, c) => {
    logger.error({ err, path: c.req.path }, 'request failed')
    return httpError('internal_error', 'Internal error')
  })

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: config.limits.wsMaxPayloadBytes,
    perMessageDeflate: false,
    // A browser that sends its token as a subprotocol gets "bearer" back, never the token.
    handleProtocols: (protocols) => (protocols.has(BEARER_PROTOCOL) ? BEARER_PROTOCOL : (protocols.values().next().value ?? false)),
  })
  const server: ServerType = createAdaptorServer({ fetch: app.fetch })
  const socketFailed = (err: unknown) => logger.error({ err }, 'socket handler failed')
  serveUpgrades<SocketIdentity>(server, wss, app.fetch, (ws, identity) => bindSocket(ws, chatSocket(socketDeps, identity), socketFailed), socketFailed)
  const heartbeat = setInterval(
    () =>
      connections.heartbeat((c) => {
        metrics.heartbeatTerminated()
        logger.warn({ event: 'heartbeat_timeout', connectionId: c.id }, 'peer missed a heartbeat; terminated')
      }),
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
  const metricsServer = config.metrics.port === 0 ? undefined : await serveMetrics(metrics, config.host, config.metrics.port)

  let shuttingDown: Promise<void> | undefined
  const shutdown = () =>
    (shuttingDown ??= (async () => {
      state.draining = true
      logger.info({ event: 'shutdown', inFlight: answers.inFlight().length, sockets: connections.size, graceMs: config.shutdownGraceMs }, 'shutting down')
      await answers.drain(config.shutdownGraceMs)
      clearInterval(heartbeat)
      for (const connection of connections.all()) connection.close(CLOSE_SERVICE_RESTART, 'server restarting; reconnect')
      answers.close()
      metricsServer?.close()
      await conversations.close()
      await coordinator.close()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        if ('closeAllConnections' in server) server.closeAllConnections()
        // Sockets that ignore the close frame are cut after a second.
        setTimeout(() => {
          for (const client of wss.clients) client.terminate()
        }, 1000).unref()
      })
    })())

  logger.info({ event: 'listening', port, host: config.host, llm: config.llm.provider, model: options.llm?.model ?? 'none' }, `listening on ${config.host}:${port}`)
  const metricsPort = metricsServer ? (metricsServer.address() as AddressInfo).port : undefined
  return { port, metricsPort, metrics, state, answers, connections, shutdown }
}

/** /metrics on its own port, for scrapers inside the cluster; nothing else is served there. */
async function serveMetrics(metrics: Metrics, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end()
      return
    }
    metrics.registry
      .metrics()
      .then((body) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body))
      .catch(() => res.writeHead(500).end())
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  return server
}
