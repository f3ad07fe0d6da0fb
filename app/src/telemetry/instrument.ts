/** Wraps the steps of one answer (request, admission, answer, retrieval, model call, code check, stream) in trace scopes and spans. */
import type { Context, MiddlewareHandler } from 'hono'
import type { Logger } from 'pino'
import type { AnswerHooks, AnswerService } from '../chat/answer-service.js'
import type { AnswerView } from '../chat/answer.js'
import type { Coordinator } from '../chat/coordinator.js'
import type { Guard } from '../guard/guard.js'
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import type { ChatMessage, LlmClient } from '../llm/openai.js'
import { currentScope, runInScope, type TraceScope } from './log-context.js'
import { formatTraceparent, incomingTrace, newTrace, parseTraceparent, type TraceContext } from './trace-context.js'
import type { SpanHandle, Tracer } from './tracer.js'

export interface TelemetryOptions {
  /** Undefined when tracing is off: scopes still give log lines their trace, no span is made. */
  tracer: Tracer | undefined
  project: string | undefined
  logger: Logger
  /** LOG_CONTENT: only then do spans carry the question and the answer. */
  logContent: boolean
}

/** Span attribute values are bounded: a long prompt must not make a span too big to export. */
const MAX_CONTENT_ATTRIBUTE = 8000
/** Health probes and scrapes every few seconds would drown the request log at info. */
const QUIET_PATHS = /^\/(?:health|metrics|api\/playground\/assistant\/health)$/

function spanOf(scope: TraceScope | undefined): SpanHandle | undefined {
  return scope?.span as SpanHandle | undefined
}

/** A child scope under the current one: a span when tracing, else the parent's trace as it is. */
function childScope(options: TelemetryOptions, name: string, attributes: Record<string, string | number | boolean | undefined>, parent = currentScope()): TraceScope & { span?: SpanHandle } {
  const span = options.tracer?.start(name, { parent: spanOf(parent), attributes })
  return { trace: span?.context ?? parent?.trace ?? newTrace(), project: options.project, ...(span ? { span } : {}) }
}

/** What the request log and the server span read of a request: Hono's, or an upgrade's IncomingMessage. */
export interface RequestView {
  method: string
  /** The path only: a query string may carry a token (never logged). */
  path: string
  header(name: string): string | undefined
}

/** Hono middleware: the caller's trace (traceparent / X-Cloud-Trace-Context) around the request, and one request log line with `httpRequest`. */
export function traceRequests(options: TelemetryOptions): MiddlewareHandler {
  return async function traceRequest(c, next) {
    const view: RequestView = { method: c.req.method, path: c.req.path, header: (name) => c.req.header(name) }
    await inRequestTrace(options, view, next, () => ({ status: c.res.status, route: routeOf(c) }))
  }
}

/**
 * Runs `handle` as one request of the caller's trace: a server span when tracing (named `METHOD route` once the
 * route is known: the conventions' name; paths carry ids), the scope its log lines join, and the request's log line.
 */
export async function inRequestTrace(options: TelemetryOptions, request: RequestView, handle: () => Promise<void>, outcome: () => { status: number; route: string }): Promise<void> {
  const { tracer, project, logger } = options
  const started = performance.now()
  const incoming = incomingTrace((name) => request.header(name))
  const span = tracer?.start(request.method, {
    kind: 'server',
    parent: incoming,
    attributes: { 'http.request.method': request.method, 'url.path': request.path, 'user_agent.original': request.header('user-agent') },
  })
  const scope: TraceScope = { trace: span?.context ?? incoming ?? newTrace(), project, ...(span ? { span } : {}) }
  try {
    await runInScope(scope, handle)
  } finally {
    const { status, route } = outcome()
    span?.rename(`${request.method} ${route}`)
    span?.set({ 'http.route': route, 'http.response.status_code': status })
    if (span && status >= 500) span.fail({ code: String(status) })
    span?.end()
    runInScope(scope, () => logRequest(logger, request, status, performance.now() - started))
  }
}

function routeOf(c: Context): string {
  return c.req.matchedRoutes.findLast((r) => r.method !== 'ALL')?.path ?? c.req.path
}

/** A page's URL may carry a token in its query or fragment: only the origin and path are logged. */
function withoutQuery(url: string | undefined): string | undefined {
  if (!url || !URL.canParse(url)) return undefined
  const parsed = new URL(url)
  return `${parsed.origin}${parsed.pathname}`
}

function logRequest(logger: Logger, request: RequestView, status: number, ms: number): void {
  const httpRequest = {
    requestMethod: request.method,
    requestUrl: request.path,
    status,
    userAgent: request.header('user-agent'),
    referer: withoutQuery(request.header('referer')),
    latency: `${(ms / 1000).toFixed(3)}s`,
    protocol: 'HTTP/1.1',
  }
  const level = QUIET_PATHS.test(request.path) ? 'debug' : status >= 500 ? 'error' : 'info'
  logger[level]({ event: 'request', httpRequest }, `${request.method} ${request.path} ${status}`)
}

/**
 * The answer service with a scope (and span) per answer: every log line of the answer carries its trace, the
 * trace is stored with the answer's meta (so another instance resuming it logs under the same trace), and a
 * resume elsewhere runs in that trace.
 */
export function instrumentAnswers(answers: AnswerService, options: TelemetryOptions): AnswerService {
  return {
    ...answers,
    async start(request) {
      const scope = childScope(options, 'answer', { 'app.stateless': request.history !== undefined })
      const admission = options.tracer?.start('admission claim', { parent: scope.span })
      const result = await runInScope(scope, () => answers.start(request))
      admission?.end()
      const span = scope.span
      if (!span) return result
      if (!result.ok) {
        span.set({ 'app.refused': result.code })
        span.end()
      } else {
        span.set({ 'app.message_id': result.answer.ids.messageId, 'app.conversation_id': result.answer.ids.conversationId })
        void result.answer.done.then(() => {
          span.end()
          // A Cloud Run instance may lose its CPU once the response ends: send the answer's spans now.
          void options.tracer?.flush().catch(() => {})
        })
      }
      return result
    },
    async open(messageId) {
      const view = await answers.open(messageId)
      if (!view || view.local) return view
      return resumedInTrace(view, options)
    },
  }
}

/** An answer produced on another instance, followed here under the trace it started with. */
function resumedInTrace(view: AnswerView & { trace?: string }, options: TelemetryOptions): AnswerView {
  const origin = parseTraceparent(view.trace)
  if (!origin) return view
  const span = options.tracer?.start('answer resume', { parent: origin, attributes: { 'app.message_id': view.ids.messageId } })
  const scope: TraceScope = { trace: span?.context ?? origin, project: options.project, ...(span ? { span } : {}) }
  runInScope(scope, () => options.logger.info({ event: 'answer_resumed', ...view.ids }, 'following an answer of another instance'))
  const resumed = Object.create(view) as AnswerView
  return Object.assign(resumed, {
    attach: (...args: Parameters<AnswerView['attach']>) => {
      const result = runInScope(scope, () => view.attach(...args))
      span?.end()
      return result
    },
  })
}

/** Stores the trace of the answer being admitted with its meta (W3C traceparent), for instances that resume it. */
export function instrumentCoordinator(coordinator: Coordinator): Coordinator {
  const claim = coordinator.claim.bind(coordinator)
  return Object.assign(Object.create(coordinator) as Coordinator, {
    claim(meta: Parameters<Coordinator['claim']>[0], ttlMs: number) {
      const scope = currentScope()
      return claim(scope ? { ...meta, trace: formatTraceparent(scope.trace) } : meta, ttlMs)
    },
  })
}

/** The model call as a GenAI client span: operation, provider, models, finish reasons, tokens, time to first chunk. */
export function instrumentLlm(llm: LlmClient, provider: string, options: TelemetryOptions): LlmClient {
  const { tracer } = options
  if (!tracer) return llm
  return {
    get model() {
      return llm.model
    },
    async stream(messages, streamOptions) {
      const span = tracer.start(`chat ${llm.model}`, {
        kind: 'client',
        parent: spanOf(currentScope()),
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': provider,
          'gen_ai.system': provider,
          'gen_ai.request.model': llm.model,
          'gen_ai.request.max_tokens': streamOptions.sampling?.maxTokens,
          'gen_ai.request.temperature': streamOptions.sampling?.temperature,
          ...(options.logContent ? { 'gen_ai.input.messages': boundedJson(messages) } : {}),
        },
      })
      const started = performance.now()
      let first = true
      let text = ''
      try {
        const result = await llm.stream(messages, {
          ...streamOptions,
          onDelta(delta) {
            if (first) {
              first = false
              span.set({ 'gen_ai.response.time_to_first_chunk': (performance.now() - started) / 1000 })
            }
            if (options.logContent && text.length < MAX_CONTENT_ATTRIBUTE) text += delta
            streamOptions.onDelta(delta)
          },
        })
        span.set({
          'gen_ai.response.model': result.model,
          'gen_ai.response.finish_reasons': [result.finishReason],
          'gen_ai.usage.input_tokens': result.usage?.promptTokens,
          'gen_ai.usage.output_tokens': result.usage?.completionTokens,
          ...(options.logContent ? { 'gen_ai.output.messages': boundedJson([{ role: 'assistant', content: text }]) } : {}),
        })
        return result
      } catch (error) {
        span.fail(error)
        throw error
      } finally {
        span.end()
      }
    },
  }
}

function boundedJson(messages: ChatMessage[]): string {
  return JSON.stringify(messages).slice(0, MAX_CONTENT_ATTRIBUTE)
}

/** Retrieval and the code check (SDK names) as spans: counts and source ids, never the text. */
export function instrumentKnowledge(knowledge: KnowledgeBase, options: TelemetryOptions): KnowledgeBase {
  const { tracer } = options
  if (!tracer) return knowledge
  return Object.assign(Object.create(knowledge) as KnowledgeBase, {
    retrieve(...args: Parameters<KnowledgeBase['retrieve']>) {
      const [, recentTurns, , language] = args
      const span = tracer.start('retrieval', { parent: spanOf(currentScope()), attributes: { 'app.retrieval.recent_turns': recentTurns?.length ?? 0, ...(language ? { 'app.retrieval.language': language } : {}) } })
      try {
        // Every argument passed on: the editor's language (the last) picks the SDK the passages come from.
        const passages = knowledge.retrieve(...args)
        span.set({ 'app.retrieval.passages': passages.length, 'app.retrieval.sources': [...new Set(passages.map((p) => `${p.kind}:${p.sourceId}`))] })
        return passages
      } finally {
        span.end()
      }
    },
    checkApi(markdown: string) {
      const span = tracer.start('code check', { parent: spanOf(currentScope()) })
      try {
        const check = knowledge.checkApi(markdown)
        span.set({ 'app.api_check.checked': check.checked, 'app.api_check.unknown': check.unknown.length })
        return check
      } finally {
        span.end()
      }
    },
  })
}

/** Identity and limits (guard) as an `admission` span of the request. */
export function instrumentGuard(guard: Guard, options: TelemetryOptions): Guard {
  const { tracer } = options
  if (!tracer) return guard
  const timed = <A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>) =>
    async function admissionSpan(...args: A): Promise<R> {
      const parent = spanOf(currentScope())
      if (!parent) return fn(...args)
      const span = tracer.start(name, { parent })
      try {
        const result = await fn(...args)
        if (result && typeof result === 'object' && 'code' in result) span.set({ 'app.refused': String(result.code) })
        return result
      } finally {
        span.end()
      }
    }
  return {
    ...guard,
    admit: timed('admission identity', guard.admit.bind(guard)),
    admitSocket: timed('admission socket', guard.admitSocket.bind(guard)),
    beforeChat: timed('admission limits', guard.beforeChat.bind(guard)),
  }
}

/** The stream to the client: from the first token to the terminal frame, under the answer's span. */
export function streamSpanHooks(options: TelemetryOptions): AnswerHooks {
  const { tracer } = options
  if (!tracer) return {}
  const streams = new WeakMap<object, SpanHandle>()
  return {
    firstToken(answer) {
      streams.set(answer, tracer.start('stream to client', { parent: spanOf(currentScope()) }))
    },
    finished(answer, outcome, info) {
      const span = streams.get(answer)
      span?.set({ 'app.outcome': outcome, 'app.deltas': answer.deltaCount, 'app.subscribers': answer.subscriberCount, ...(info.code ? { 'error.type': info.code } : {}) })
      span?.end()
    },
  }
}

export type { TraceContext }
