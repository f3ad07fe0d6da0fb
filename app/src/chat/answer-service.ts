/** Starts, cancels and finds answers. An answer is a generation job, not a socket: transports subscribe to it. */
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import { LlmAbortedError, LlmError, type ChatMessage, type LlmClient, type Sampling } from '../llm/openai.js'
import { frames, type ApiCheck, type ErrorCode, type ServerFrame, type Source, type Usage } from '../protocol/frames.js'
import { Answer, type AnswerView } from './answer.js'
import type { ConversationIndex } from './conversation-index.js'
import type { ConversationStore } from './conversations.js'
import type { AnswerMeta, Coordinator } from './coordinator.js'
import type { Passage } from '../knowledge/passages.js'
import { buildGrounding, buildMessages } from './prompt.js'
import { RemoteAnswer } from './remote-answer.js'

export type { AnswerView, CancelReason } from './answer.js'

export type Outcome = 'completed' | 'cancelled' | 'failed'

/** Observers of answer lifecycles (metrics, limits); every method optional. */
export interface AnswerHooks {
  started?(answer: Answer): void
  firstToken?(answer: Answer, ms: number): void
  finished?(answer: Answer, outcome: Outcome, info: { usage: Usage; durationMs: number; code?: ErrorCode }): void
}

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
  /** The knowledge base: grounds model answers (when `grounding`) and checks every answer's SDK names. */
  knowledge?: {
    retrieve(question: string, recentTurns: string[], limit?: number, language?: string): Passage[]
    checkApi(markdown: string): ApiCheck
  }
  /** Put the retrieved passages in front of the model (KNOWLEDGE_ENABLED; off for the offline client, which reads them itself). */
  grounding?: boolean
}

export interface StartRequest {
  content: string
  conversationId?: string | undefined
  messageId?: string | undefined
  userId?: string | undefined
  /**
   * The earlier messages of a conversation the client keeps itself (the OpenAI way), used instead of the
   * stored history: nothing is read from or saved to the conversation store, and no conversation is owned.
   */
  history?: ChatMessage[] | undefined
  /** The client's wishes for this answer; the LLM client bounds them by the server's settings. */
  sampling?: Sampling | undefined
  /** The editor's language: the knowledge base answers from that SDK (see knowledge/languages.ts). */
  language?: string | undefined
}

export type StartRefusal = { ok: false; code: ErrorCode; error: string; messageId?: string; retryAfter?: number }
export type StartResult = { ok: true; answer: Answer } | StartRefusal

export interface AnswerService {
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
  const { logger, hooks = {}, coordinator, conversations } = options
  const answers = new Map<string, Answer>()
  const inflight = new Set<Answer>()
  const starting = new Set<string>()
  // Finished answers kept for resume, oldest first (a Map iterates in insertion order).
  const finished = new Map<string, NodeJS.Timeout>()
  let accepting = true

  coordinator.onCancelRequest((messageId) => answers.get(messageId)?.cancel('cancelled'))

  async function run(answer: Answer, request: StartRequest, stopHeartbeat: () => void): Promise<void> {
    const { content } = request
    const stateless = request.history !== undefined
    const model = options.llm!.model
    const started = performance.now()
    answer.emit(frames.start(answer.ids, model))
    hooks.started?.(answer)
    // After the caller attached its socket: other devices then catch up from chat_start.
    setImmediate(() => void coordinator.publish({ type: 'answer_started', ...answer.ids }).catch(() => {}))
    let outcome: Outcome = 'failed'
    let usage: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 }
    let code: ErrorCode | undefined
    let terminal: ServerFrame | undefined
    try {
      let history = request.history
      try {
        history ??= await conversations.history(answer.ids.conversationId)
      } catch (error) {
        logger.error({ err: error, conversationId: answer.ids.conversationId }, 'could not read the conversation history')
        throw new LlmError('upstream_error', 'The conversation history could not be read; try again')
      }
      const recentTurns = history.filter((turn) => turn.role === 'user').map((turn) => turn.content)
      const grounding = options.grounding && options.knowledge ? buildGrounding(options.knowledge.retrieve(content, recentTurns, undefined, request.language)) : undefined
      const messages = buildMessages(options.systemPrompt, history, content, grounding)
      // Cancelled before the request (its socket left during admission): the client only hears of aborts from now on.
      if (answer.controller.signal.aborted) throw new LlmAbortedError('aborted')
      const result = await options.llm!.stream(messages, {
        signal: answer.controller.signal,
        ...(request.sampling ? { sampling: request.sampling } : {}),
        ...(request.language ? { language: request.language } : {}),
        onDelta: (text) => {
          if (answer.firstTokenAt === undefined) {
            answer.firstTokenAt = Date.now()
            hooks.firstToken?.(answer, performance.now() - started)
          }
          answer.delta(text)
        },
      })
      usage = result.usage ?? estimateUsage(messages, answer.text)
      const sources: Source[] | undefined = result.sources ?? grounding?.sources
      const apiCheck = options.knowledge?.checkApi(answer.text)
      terminal = frames.complete(answer.ids, {
        model: result.model,
        finishReason: result.finishReason,
        usage,
        ...(result.usage ? {} : { usageEstimated: true }),
        ...(sources ? { sources } : {}),
        ...(apiCheck ? { apiCheck } : {}),
      })
      outcome = 'completed'
    } catch (error) {
      if (error instanceof LlmAbortedError || answer.controller.signal.aborted) {
        outcome = 'cancelled'
        // Without a usage chunk the spend is estimated, so cancelling never makes an answer free.
        usage = estimateUsage(buildMessages(options.systemPrompt, request.history ?? [], content), answer.text)
        terminal = frames.complete(answer.ids, { model, finishReason: 'cancelled', usage, usageEstimated: true })
      } else {
        const llmError = error instanceof LlmError ? error : undefined
        code = llmError?.code ?? 'internal_error'
        if (!llmError) logger.error({ err: error, messageId: answer.ids.messageId }, 'answer failed unexpectedly')
        const retryAfter = llmError?.retryAfter
        terminal = frames.error(code, llmError?.message ?? 'The answer failed; try again', { ...answer.ids, ...(retryAfter ? { retryAfter } : {}) })
      }
    }
    let saved = false
    if (answer.text.length > 0 && outcome !== 'failed' && !stateless) {
      try {
        await conversations.append(answer.ids.conversationId, [
          { role: 'user', content },
          { role: 'assistant', content: answer.text },
        ])
        saved = true
      } catch (err) {
        logger.error({ err, conversationId: answer.ids.conversationId }, 'could not save the conversation turn')
      }
    }
    stopHeartbeat()
    // History saved and the conversation released before the terminal frame: a client that asks again at once is not busy.
    await coordinator.release({ ...answer.ids, userId: answer.userId }).catch((err: unknown) => {
      logger.warn({ err, conversationId: answer.ids.conversationId }, 'could not release the conversation; retrying in the background')
    })
    inflight.delete(answer)
    answer.end(terminal)
    // After the terminal frame: the asking socket learns of the new turn after its answer's chat_complete.
    if (saved) void coordinator.publish({ type: 'conversation_updated', conversationId: answer.ids.conversationId, change: 'turn' }).catch(() => {})
    const durationMs = Math.round(performance.now() - started)
    hooks.finished?.(answer, outcome, { usage, durationMs, ...(code ? { code } : {}) })
    logger.info(
      {
        event: 'answer',
        ...answer.ids,
        userId: answer.userId,
        model,
        outcome,
        ...(answer.cancelReason ? { cancelReason: answer.cancelReason } : {}),
        ...(code ? { code } : {}),
        ...(stateless ? { stateless } : {}),
        deltas: answer.deltaCount,
        promptTokens: usage.promptTokens,
        completionTokens: usage.completionTokens,
        totalTokens: usage.totalTokens,
        durationMs,
        timeToFirstTokenMs: answer.firstTokenAt ? answer.firstTokenAt - answer.startedAt : undefined,
        ...(options.logContent ? { question: content, answer: answer.text } : {}),
      },
      'answer finished',
    )
    retain(answer.ids.messageId)
  }

  /** Keeps a finished answer resumable for a while, and at most `retainedMax` of them (oldest go first). */
  function retain(messageId: string): void {
    const timer = setTimeout(() => forget(messageId), options.retentionMs)
    timer.unref()
    finished.set(messageId, timer)
    for (const [oldest] of finished) {
      if (finished.size <= options.retainedMax) break
      forget(oldest) // with Redis it stays resumable from the shared log
    }
  }

  function forget(messageId: string): void {
    clearTimeout(finished.get(messageId))
    finished.delete(messageId)
    answers.delete(messageId)
  }

  async function admit(request: StartRequest, meta: AnswerMeta): Promise<StartRefusal | undefined> {
    const { messageId, conversationId, userId } = meta
    const used = { ok: false, code: 'invalid_message', error: `messageId ${messageId} is already used by another answer; omit it to get a fresh one`, messageId } as const
    // A used id elsewhere is refused by the claim itself; it is only looked up first when setOwner would run before the claim.
    const ownerFirst = userId !== undefined && request.conversationId !== undefined && conversations.setOwner !== undefined
    if (answers.has(messageId) || (ownerFirst && coordinator.shared && (await coordinator.meta(messageId)))) return used
    // With authentication on, a conversation belongs to the first user who writes in it.
    if (userId !== undefined && request.conversationId && conversations.setOwner && !(await conversations.setOwner(conversationId, userId))) {
      return { ok: false, code: 'forbidden', error: 'This conversation belongs to another user; start a new one', messageId }
    }
    let claimed: 'claimed' | 'busy' | 'used'
    try {
      claimed = await coordinator.claim(meta, options.claimTtlMs)
    } catch (error) {
      // The claim may have landed before the reply was lost: releasing (only if it is ours) is always safe.
      await releaseAfterFailure(meta)
      throw error
    }
    if (claimed === 'used') return used
    if (claimed === 'busy') {
      return { ok: false, code: 'busy', error: 'This conversation is still answering; wait for chat_complete or send cancel first', messageId }
    }
    try {
      if (userId !== undefined && !request.conversationId && !request.history && conversations.setOwner) await conversations.setOwner(conversationId, userId)
    } catch (error) {
      await releaseAfterFailure(meta)
      throw error
    }
    return undefined
  }

  async function releaseAfterFailure(meta: AnswerMeta): Promise<void> {
    await coordinator.release(meta).catch((err: unknown) => logger.warn({ err, conversationId: meta.conversationId }, 'could not release the conversation; retrying in the background'))
  }

  return {
    async start(request) {
      if (!accepting) return { ok: false, code: 'shutting_down', error: 'The server is shutting down; reconnect and try again' }
      if (!options.llm) {
        return {
          ok: false,
          code: 'llm_unconfigured',
          error: 'No OpenAI API key is configured: set OPENAI_API_KEY, or OPENAI_API_KEY_SECRET to a Secret Manager version, and restart the server',
          ...(request.messageId ? { messageId: request.messageId } : {}),
        }
      }
      if (!coordinator.healthy()) return { ...UNAVAILABLE, ...(request.messageId ? { messageId: request.messageId } : {}) }
      const meta: AnswerMeta = { messageId: request.messageId ?? randomUUID(), conversationId: request.conversationId ?? randomUUID(), userId: request.userId }
      if (starting.has(meta.messageId)) return { ok: false, code: 'invalid_message', error: `messageId ${meta.messageId} is already used`, messageId: meta.messageId }
      starting.add(meta.messageId)
      try {
        const refused = await admit(request, meta).catch((error: unknown) => {
          logger.error({ err: error, messageId: meta.messageId }, 'could not start the answer')
          return { ...UNAVAILABLE, messageId: meta.messageId }
        })
        if (refused) return refused
        const answer = new Answer({ messageId: meta.messageId, conversationId: meta.conversationId }, meta.userId, options.logMaxFrames, options.resumeGraceMs, coordinator, options.deltaCoalesceMs)
        answers.set(meta.messageId, answer)
        inflight.add(answer)
        run(answer, request, coordinator.heartbeat(meta.messageId)).catch((err: unknown) => logger.error({ err, messageId: meta.messageId }, 'answer bookkeeping failed'))
        return { ok: true, answer }
      } finally {
        starting.delete(meta.messageId)
      }
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
      for (const timer of finished.values()) clearTimeout(timer)
      finished.clear()
      for (const answer of inflight) answer.cancel('shutdown')
    },
  }
}

/** About four characters a token: close enough to bill a cancelled answer, and never zero. */
function estimateUsage(messages: { content: string }[], answer: string): Usage {
  const promptTokens = Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4)
  const completionTokens = Math.ceil(answer.length / 4)
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens }
}
