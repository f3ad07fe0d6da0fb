/** Collects each answer's quality signals at the steps that know them (retrieval, the model's sources, the API check) and records them when it ends. */
import type { AnswerHooks, AnswerService } from '../chat/answer-service.js'
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { OFFLINE_MODEL } from '../offline/offline-answer.js'
import type { LlmClient } from '../llm/openai.js'
import { currentScope, type TraceScope } from '../telemetry/log-context.js'
import { questionKey } from './quality-report.js'
import type { QualitySignal, QualityStore } from './quality-store.js'

export interface QualityRecorderOptions {
  store: QualityStore
  /** LOG_CONTENT: only then are questions (and their terms) kept. */
  logContent: boolean
  /** A shared store can fail (Redis down): the answer is already delivered, so the loss is only logged. */
  onError?: (err: unknown) => void
  now?: () => number
}

interface Pending {
  question: string
  sources: Set<string>
  signals: Set<QualitySignal>
  unknownNames: number
}

export interface QualityRecorder {
  answers(service: AnswerService): AnswerService
  llm(client: LlmClient): LlmClient
  knowledge(knowledge: KnowledgeBase): KnowledgeBase
  hooks: AnswerHooks
}

/**
 * Signals are kept per answer scope (the trace scope every step of one answer runs in), so no step needs to
 * know about quality: the wrappers see what they wrap and note it.
 */
export function createQualityRecorder(options: QualityRecorderOptions): QualityRecorder {
  const pending = new WeakMap<TraceScope, Pending>()
  const now = options.now ?? Date.now
  const current = () => {
    const scope = currentScope()
    return scope ? pending.get(scope) : undefined
  }
  return {
    answers: (service) => ({
      ...service,
      start(request) {
        const scope = currentScope()
        if (scope) pending.set(scope, { question: request.content, sources: new Set(), signals: new Set(), unknownNames: 0 })
        return service.start(request)
      },
    }),
    llm: (client) => ({
      get model() {
        return client.model
      },
      async stream(messages, streamOptions) {
        const result = await client.stream(messages, streamOptions)
        const signals = current()
        if (signals && result.sources) {
          for (const source of result.sources) signals.sources.add(`${source.kind}:${source.id}`)
          // The offline client answers from the knowledge base alone: without a guide it can only list API entries.
          if (result.model === OFFLINE_MODEL && !result.sources.some((s) => s.kind === 'guide')) signals.signals.add('offline_no_guide')
          if (result.sources.length === 0) signals.signals.add('weak_retrieval')
        }
        return result
      },
    }),
    knowledge: (knowledge) =>
      Object.assign(Object.create(knowledge) as KnowledgeBase, {
        retrieve(...args: Parameters<KnowledgeBase['retrieve']>) {
          // Every argument passed on: the editor's language (the last) picks the SDK the passages come from.
          const passages = knowledge.retrieve(...args)
          const signals = current()
          if (signals) {
            for (const p of passages) signals.sources.add(`${p.kind}:${p.sourceId}`)
            // Grounding without a single guide passage: the model answers from API signatures or from memory.
            if (!passages.some((p) => p.kind === 'guide')) signals.signals.add('weak_retrieval')
          }
          return passages
        },
        checkApi(markdown: string) {
          const check = knowledge.checkApi(markdown)
          const signals = current()
          if (signals && check.unknown.length > 0) {
            signals.signals.add('unknown_sdk_names')
            signals.unknownNames = check.unknown.length
          }
          return check
        },
      }),
    hooks: {
      finished(answer, outcome) {
        const scope = currentScope()
        const signals = scope && pending.get(scope)
        if (!signals || outcome !== 'completed') return
        const recorded = options.store.record({
          messageId: answer.ids.messageId,
          userId: answer.userId,
          at: now(),
          ...(options.logContent ? { question: signals.question, terms: questionKey(signals.question) } : {}),
          sources: [...signals.sources],
          signals: [...signals.signals],
          unknownNames: signals.unknownNames,
        })
        recorded.catch((err: unknown) => options.onError?.(err))
      },
    },
  }
}
