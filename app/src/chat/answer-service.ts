/** Starts, cancels and finds answers. An answer is a generation job, not a socket: transports subscribe to it. */
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { LlmClient } from '../llm/client.js'
import { Answer, type AnswerView } from './answer.js'
import { admitAnswer } from './answer-admission.js'
import { generateAnswer, type GenerationDeps } from './answer-generation.js'
import { createRetention } from './answer-retention.js'
import type { ConversationIndex } from './conversation-index.js'
import type { ConversationStore } from './conversations.js'
import type { AnswerMeta, Coordinator } from './coordinator.js'
import { RemoteAnswer } from './remote-answer.js'
import { ZERO_USAGE, type AnswerHooks, type StartRefusal, type StartRequest, type StartResult } from './start-request.js'

export type { AnswerView, CancelReason } from './answer.js'
export type { AnswerHooks, AnswerLease, Outcome, StartRefusal, StartRequest, StartResult } from './start-request.js'

export interface AnswerServiceOptions {
  llm: LlmClient | undefined
  conversations: ConversationStore & Partial<ConversationIndex>
  coordinator: Coordinator
  systemPrompt: string
  logger: Logger
  logContent: boolean
  /** How long an answer with nobody attached keeps streaming (so a reconnect can resume it). */
  resumeGraceMs: number
  /** How long a finished answer stays resumable on this instance. */
  retentionMs: number
  /** How many finished answers this instance keeps for resume at most. */
  retainedMax: number
  logMaxFrames: number
  /** Tokens closer together than this share a chat_delta; 0 = one delta per token. */
  deltaCoalesceMs?: number
  /** How long a conversation stays claimed by one answer at most (the answer timeout plus a margin). */
  claimTtlMs: number
  /** A follower of another instance's answer gives up after this long without a frame. */
  staleMs: number
  hooks?: AnswerHooks
  knowledge?: GenerationDeps['knowledge']
  code?: GenerationDeps['code']
  /** Put the retrieved passages in front of the model (KNOWLEDGE_ENABLED; off for the offline client, which reads them itself). */
  grounding?: boolean
}

export interface AnswerService {
  /** Starts an answer; a refused start ends the request's lease at once. */
  start(request: StartRequest): Promise<StartResult>
  /** A local answer, or one another instance produces; undefined when gone. */
  open(messageId: string): Promise<AnswerView | undefined>
  inFlight(): Answer[]
  /** Waits up to `graceMs` for answers in flight, then cancels the rest and waits for them to end. */
  drain(graceMs: number): Promise<void>
  close(): void
}

const UNAVAILABLE: StartRefusal = { ok: false, code: 'unavailable', error: 'The shared store (Redis) is unreachable, so no answer can start; try again shortly' }

export function createAnswerService(options: AnswerServiceOptions): AnswerService {
  const { logger, coordinator, conversations } = options
  /** Answers running here, and those finished and kept for resume (retention), by messageId. */
  const answers = new Map<string, AnswerView>()
  const inflight = new Set<Answer>()
  const starting = new Set<string>()
  const retention = createRetention(options.retentionMs, options.retainedMax, (messageId) => answers.delete(messageId))
  let accepting = true

  coordinator.onCancelRequest((messageId) => answers.get(messageId)?.cancel('cancelled'))

  const admission = { conversations, coordinator, logger, claimTtlMs: options.claimTtlMs, isLocal: (messageId: string) => answers.has(messageId) }

  /** Why no answer can start now, if so. */
  function unableToStart(request: StartRequest): StartRefusal | undefined {
    const messageId = request.messageId ? { messageId: request.messageId } : {}
    if (!accepting) return { ok: false, code: 'shutting_down', error: 'The server is shutting down; reconnect and try again' }
    if (!options.llm && !request.llm) {
      return {
        ok: false,
        code: 'llm_unconfigured',
        error: 'No OpenAI API key is configured: set OPENAI_API_KEY, or OPENAI_API_KEY_SECRET to a Secret Manager version, and restart the server',
        ...messageId,
      }
    }
    if (!coordinator.healthy()) return { ...UNAVAILABLE, ...messageId }
    return undefined
  }

  async function start(request: StartRequest): Promise<StartResult> {
    const unable = unableToStart(request)
    if (unable) return unable
    const meta: AnswerMeta = { messageId: request.messageId ?? randomUUID(), conversationId: request.conversationId ?? randomUUID(), userId: request.userId }
    if (starting.has(meta.messageId)) return { ok: false, code: 'invalid_message', error: `messageId ${meta.messageId} is already used`, messageId: meta.messageId }
    starting.add(meta.messageId)
    try {
      const refused = await admitAnswer(admission, request, meta).catch((error: unknown) => {
        logger.error({ err: error, messageId: meta.messageId }, 'could not start the answer')
        return { ...UNAVAILABLE, messageId: meta.messageId }
      })
      if (refused) return refused
      const answer = new Answer({ messageId: meta.messageId, conversationId: meta.conversationId }, meta.userId, options.logMaxFrames, options.resumeGraceMs, coordinator, options.deltaCoalesceMs)
      answers.set(meta.messageId, answer)
      inflight.add(answer)
      // The answer's own client (a user's key) or the server's: the generation does not know which.
      const generation: GenerationDeps = { ...options, llm: request.llm ?? options.llm!, hooks: options.hooks ?? {} }
      const end = {
        stopHeartbeat: coordinator.heartbeat(meta.messageId),
        settled: () => inflight.delete(answer),
      }
      generateAnswer(generation, answer, request, end)
        .catch((err: unknown) => logger.error({ err, messageId: meta.messageId }, 'answer bookkeeping failed'))
        .finally(() => {
          if (answer.finished && answers.get(meta.messageId) === answer) answers.set(meta.messageId, answer.finishedView())
          retention.keep(meta.messageId)
        })
      return { ok: true, answer }
    } finally {
      starting.delete(meta.messageId)
    }
  }

  return {
    async start(request) {
      const result = await start(request)
      // A refused start never held anything: the slot goes back and nothing is spent.
      if (!result.ok) request.lease?.end(ZERO_USAGE)
      return result
    },
    async open(messageId) {
      const local = answers.get(messageId)
      if (local) return local
      if (!coordinator.shared) return undefined
      const meta = await coordinator.meta(messageId)
      return meta ? new RemoteAnswer(meta, coordinator, options.staleMs) : undefined
    },
    inFlight: () => [...inflight],
    async drain(graceMs) {
      accepting = false
      const pending = [...inflight]
      if (pending.length === 0) return
      let timer: NodeJS.Timeout | undefined
      const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))
      await Promise.race([Promise.all(pending.map((a) => a.done)), timedOut])
      clearTimeout(timer)
      for (const answer of inflight) answer.cancel('shutdown')
      await Promise.all(pending.map((a) => a.done))
    },
    close() {
      retention.close()
      for (const answer of inflight) answer.cancel('shutdown')
    },
  }
}
