/** The Hono app: middleware and every route group, built from the services; testable with app.request(). */
import { Hono, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { allowedMethodsOf, methodNotAllowed } from './api-docs/allowed-methods.js'
import { openApiDocument } from './api-docs/openapi.js'
import { isAdmissionRefusal, operatorTokenMatches } from './guard/guard.js'
import { codeIntelligenceChecks } from './mcp/code-intelligence-checks.js'
import { healthRoutes, statsRoutes } from './ops/health.js'
import { metricsRoutes } from './ops/metrics-routes.js'
import { createOriginPolicy } from './ops/origins.js'
import { playgroundRoutes } from './page/playground-routes.js'
import { qualityRoutes } from './quality/quality-routes.js'
import { traceRequests } from './telemetry/instrument.js'
import type { Services } from './services.js'
import { historyRoutes } from './transport/ai-sdk/history-routes.js'
import { aiSdkRoutes } from './transport/ai-sdk/routes.js'
import { conversationRoutes } from './transport/conversation-routes.js'
import { httpError, refusalResponse } from './transport/http-error.js'
import { knowledgeRoutes } from './transport/knowledge-routes.js'
import { mcpRoutes } from './transport/mcp-routes.js'
import { openAiCompatRoutes } from './transport/openai-compat/routes.js'
import { userAiKeyRoutes } from './transport/user-ai-key-routes.js'
import { sseChatRoutes } from './transport/sse.js'
import type { SocketIdentity } from './transport/ws.js'
import { wsRoutes } from './transport/ws-routes.js'

export type AppEnv = { Variables: { socket: SocketIdentity } }

/** Ratings per client a minute: a person rates a few answers; more is a script. */
const FEEDBACK_PER_MINUTE = 30

export function buildApp(services: Services): Hono<AppEnv> {
  const { config, logger, state, guard } = services
  const originAllowed = createOriginPolicy(config.cors.origins)
  const app = new Hono<AppEnv>()
  app.use('*', traceRequests(services.telemetry))
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
      onError: () => httpError('payload_too_large', `The request body is over ${maxBody} bytes; send less`, { headers: { connection: 'close' } }),
    }),
  )
  app.route('/', healthRoutes(state))
  const openApi = openApiDocument({
    version: config.version,
    maxContentChars: config.limits.maxContentChars,
    authMode: config.auth.mode,
    aiSdk: config.aiSdk,
    editor: config.editor,
    gatewayHeader: config.auth.gatewayHeader,
  })
  app.get('/api/openapi.json', (c) => c.json(openApi))
  app.use('*', methodNotAllowed(allowedMethodsOf(openApi)))
  if (config.playground.enabled) app.route('/', playgroundRoutes())
  app.use('/api/stats', guardStats(services))
  app.route('/', statsRoutes(services.connections))
  app.route('/', conversationRoutes({ conversations: services.conversations, coordinator: services.coordinator, guard }))
  app.route('/', qualityRoutes({
    ...{ store: services.quality, guard, adminToken: config.adminToken, logContent: config.log.content, feedbackPerMinute: FEEDBACK_PER_MINUTE },
    onStoreError: (err, operation) => logger.warn({ err, event: 'quality_store_failed', operation }, 'the quality store failed'),
  }))
  app.route('/', userAiKeyRoutes({ keys: services.byok?.keys, guard, onError: (reason) => services.logger.info({ event: 'user_ai_key_refused', reason }, 'a user key request was refused') }))
  if (services.knowledge) app.route('/', knowledgeRoutes({ knowledge: services.knowledge, guard }))
  if (services.knowledge) app.route('/', mcpRoutes({ knowledge: services.knowledge, guard, version: config.version, maxBodyBytes: maxBody, registry: services.metrics.registry, originAllowed, ...(services.code ? { checks: codeIntelligenceChecks(services.code, services.knowledge) } : {}) }))
  const streams = { start: services.start, guard, maxContentChars: config.limits.maxContentChars, maxBufferedBytes: config.limits.wsMaxBufferedBytes }
  // The AI SDK body first on the shared POST path: it hands every other body on to the native SSE route.
  app.route('/', historyRoutes({ conversations: services.conversations, guard }))
  app.route(
    '/',
    aiSdkRoutes({
      ...streams,
      answers: services.answers,
      coordinator: services.coordinator,
      limits: { ...config.aiSdk, ...config.editor, maxContentChars: config.limits.maxContentChars, maxHistory: config.history.maxTurns },
    }),
  )
  app.route('/', sseChatRoutes({ ...streams, answers: services.answers, editorLimits: config.editor }))
  app.route(
    '/',
    openAiCompatRoutes({
      ...streams,
      modelId: config.openaiCompat.modelId,
      createdAt: Math.floor(state.startedAt / 1000),
      maxHistory: config.history.maxTurns,
      maxBodyBytes: maxBody,
      editorLimits: config.editor,
    }),
  )
  if (config.metrics.port === 0) app.route('/', metricsRoutes(services.metrics, config.metrics.token))
  app.route('/', wsRoutes({ state, guard, originAllowed }))
  app.notFound((c) => httpError('not_found', `No route for ${c.req.method} ${c.req.path}; see GET /api/info`))
  app.onError((err, c) => {
    logger.error({ err, path: c.req.path }, 'request failed')
    return httpError('internal_error', 'Internal error')
  })
  return app
}

/** Per-connection detail is for operators: ADMIN_TOKEN when set, else any authenticated user, else open (local development). */
function guardStats(services: Services): MiddlewareHandler {
  const { config, guard } = services
  return async function guardStats(c, next) {
    if (config.adminToken) {
      if (!operatorTokenMatches(config.adminToken, c)) return httpError('unauthorized', 'This endpoint needs the admin token: Authorization: Bearer <ADMIN_TOKEN>')
    } else {
      const admission = await guard.admit(c)
      if (isAdmissionRefusal(admission)) return refusalResponse(admission)
    }
    await next()
  }
}
