/** Builds the server's services once, in one place: stores, answers, limits, metrics, the guarded start. */
import type { Logger } from 'pino'
import { createAnswerService, type AnswerHooks, type AnswerService } from './chat/answer-service.js'
import { createMemoryConversationIndex, type ConversationIndex } from './chat/conversation-index.js'
import type { ConversationStore } from './chat/conversations.js'
import { createLocalCoordinator, type Coordinator } from './chat/coordinator.js'
import type { Config } from './config/config.js'
import { createAuthenticator } from './guard/auth.js'
import { createGuard, type Guard } from './guard/guard.js'
import { createGuardedStart, type GuardedStart } from './guard/guarded-start.js'
import { createMemoryLimiter, type Limiter } from './guard/limits.js'
import type { Byok } from './keys/byok.js'
import { createCodeIntelligence, type CodeIntelligence } from './code/index.js'
import type { KnowledgeBase } from './knowledge/knowledge-base.js'
import type { LlmClient } from './llm/client.js'
import { idleDetectionMs } from './llm/openai.js'
import { ConnectionRegistry } from './ops/connections.js'
import type { ServiceState } from './ops/health.js'
import { createMetrics, type Metrics } from './ops/metrics.js'
import { createQualityRecorder } from './quality/quality-recorder.js'
import { createMemoryQualityStore, type QualityStore } from './quality/quality-store.js'
import { instrumentAnswers, instrumentCoordinator, instrumentGuard, instrumentKnowledge, instrumentLlm, streamSpanHooks, type TelemetryOptions } from './telemetry/instrument.js'
import { createTracer, type Tracer } from './telemetry/tracer.js'

export interface ServerOptions {
  config: Config
  logger: Logger
  llm: LlmClient | undefined
  systemPrompt: string
  conversations?: ConversationStore & ConversationIndex
  /** Shared state between instances (Redis); a single instance by default. */
  coordinator?: Coordinator
  /** Observers of every answer, beside the metrics (tests). */
  hooks?: AnswerHooks
  /** A shared limiter (Redis) for many instances; in-memory by default. */
  limiter?: Limiter
  /** The clock of the in-memory limits and the per-socket message budget (ms); tests inject one. */
  clock?: () => number
  /** The knowledge base: search endpoint, API check of every answer, and grounding when config.knowledge.enabled. */
  knowledge?: KnowledgeBase
  /** Quality signals and feedback (a shared store for many instances); in memory by default. */
  quality?: QualityStore
  /** Start the type checker's worker at once (the process entry does; tests start it on first use). */
  warmCodeCheck?: boolean
  /** Users' own keys (BYOK_KMS_KEY_NAME or BYOK_LOCAL_KEY); the key routes explain how to turn it on when absent. */
  byok?: Byok
}

export interface Services {
  config: Config
  logger: Logger
  state: ServiceState
  connections: ConnectionRegistry
  conversations: ConversationStore & ConversationIndex
  coordinator: Coordinator
  metrics: Metrics
  guard: Guard
  answers: AnswerService
  /** The one way a transport starts an answer. */
  start: GuardedStart
  knowledge: KnowledgeBase | undefined
  /** Trace scopes of requests and answers; spans when OTEL_* set an endpoint. */
  telemetry: TelemetryOptions
  tracer: Tracer | undefined
  quality: QualityStore
  byok: Byok | undefined
  /** Code intelligence (type check in a worker, pitfall rules, run output) over the knowledge base. */
  code: CodeIntelligence | undefined
}

export async function buildServices(options: ServerOptions): Promise<Services> {
  const { config, logger } = options
  const connections = new ConnectionRegistry()
  const conversations =
    options.conversations ??
    createMemoryConversationIndex({
      maxTurns: config.history.maxTurns,
      idleTtlMs: config.history.idleTtlMs,
      maxConversations: config.history.maxConversations,
      maxPerUser: config.history.maxPerUser,
    })
  // Trace scopes and, when OTEL_* set an endpoint, spans around the steps below.
  const tracer = await createTracer(config.telemetry, config.version, logger)
  const telemetry: TelemetryOptions = { tracer, project: config.telemetry.project, logger, logContent: config.log.content }
  const coordinator = instrumentCoordinator(options.coordinator ?? createLocalCoordinator())
  // Quality signals are kept as long as conversations are.
  const qualityStore = options.quality ?? createMemoryQualityStore({ retentionMs: config.history.idleTtlMs, maxEntries: config.history.maxConversations })
  const quality = createQualityRecorder({
    store: qualityStore,
    logContent: config.log.content,
    onError: (err) => logger.warn({ err, event: 'quality_record_failed' }, 'could not record an answer for the quality report'),
  })
  const knowledge = options.knowledge && instrumentKnowledge(quality.knowledge(options.knowledge), telemetry)
  // The answer service is made below; the gauge reads it only when scraped, after that.
  const metrics = createMetrics({ openSockets: () => connections.size, answersInFlight: () => answers.inFlight().length })
  const code = options.knowledge ? createCodeIntelligence({ knowledge: options.knowledge }) : undefined
  // The answer's own snippets get the rules and the name check only (see chat/answer-code.ts): no worker needed.
  const answerCode = options.knowledge ? createCodeIntelligence({ knowledge: options.knowledge, typeCheck: false }) : undefined
  if (options.warmCodeCheck) void code?.warm().then((warm) => logger.info({ event: 'code_check_warm', ...warm }, 'type checker ready'))
  const hooks = [metrics.hooks, streamSpanHooks(telemetry), quality.hooks, ...(options.hooks ? [options.hooks] : [])]
  const service = createAnswerService({
    llm: options.llm && instrumentLlm(quality.llm(options.llm), config.llm.provider, telemetry),
    conversations,
    coordinator,
    // A conversation stays claimed at most as long as an answer may take, so a crashed instance frees it.
    claimTtlMs: config.openai.answerTimeoutMs + 60_000,
    staleMs: Math.max(idleDetectionMs(config.openai.idleTimeoutMs), config.openai.firstTokenTimeoutMs) + 2000,
    systemPrompt: options.systemPrompt,
    logger,
    logContent: config.log.content,
    resumeGraceMs: config.answers.resumeGraceMs,
    retentionMs: config.answers.retentionMs,
    retainedMax: config.answers.retainedMax,
    logMaxFrames: config.answers.logMaxFrames,
    deltaCoalesceMs: config.answers.deltaCoalesceMs,
    ...(knowledge ? { knowledge } : {}),
    ...(code && answerCode ? { code: { editor: code, answer: answerCode } } : {}),
    // The offline client reads the knowledge base itself; grounding is for a model.
    grounding: config.knowledge.enabled && config.llm.provider !== 'offline',
    hooks: combineHooks(...hooks),
  })
  const answers = instrumentAnswers(quality.answers(service), telemetry)
  const guard = instrumentGuard(
    createGuard({
    authenticate: createAuthenticator(config.auth),
    limiter: options.limiter ?? createMemoryLimiter(config.rateLimits, options.clock),
    trustedProxyHops: config.trustedProxyHops,
    onRefused: (limit) => metrics.rateLimited(limit),
      onAuthRefused: (transport) => metrics.authRefused(transport),
    }),
    telemetry,
  )
  const state: ServiceState = {
    draining: false,
    startedAt: Date.now(),
    authMode: config.auth.mode,
    environment: config.env,
    version: config.version,
    llm: { provider: config.llm.provider, model: options.llm?.model ?? null },
    degraded: () => (coordinator.healthy() ? undefined : 'the shared store (Redis) is unreachable; new answers are refused until it returns'),
  }
  return {
    ...{ config, logger, state, connections, conversations, coordinator, metrics, guard, answers, telemetry, tracer },
    start: createGuardedStart(guard, answers, options.byok?.clientFor),
    // The search endpoint reads the knowledge base directly (no answer, no quality signal).
    knowledge: options.knowledge,
    quality: qualityStore,
    byok: options.byok,
    code,
  }
}

function combineHooks(...all: AnswerHooks[]): AnswerHooks {
  return {
    started: (a) => all.forEach((h) => h.started?.(a)),
    firstToken: (a, ms) => all.forEach((h) => h.firstToken?.(a, ms)),
    finished: (a, outcome, info) => all.forEach((h) => h.finished?.(a, outcome, info)),
  }
}
