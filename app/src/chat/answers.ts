/** Starts, cancels and finds answers. An answer is a generation job, not a socket: transports subscribe to it. */
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import { LlmAbortedError, LlmError, type LlmClient } from '../llm/openai.js'
import { frames, type AnswerIds, type CompleteMetadata, type ErrorCode, type ServerFrame, type Usage } from '../protocol/frames.js'
import { AnswerLog, type Subscriber } from './answer-log.js'
import type { ConversationStore } from './conversations.js'
import { buildMessages } from './prompt.js'

export type Outcome = 'completed' | 'cancelled' | 'failed'

/** Observers of answer lifecycles (metrics, limits); every method optional. */
export interface AnswerHooks {
  started?(answer: Answer): void
  firstToken?(answer: Answer, ms: number): void
  finished?(answer: Answer, outcome: Outcome, info: { usage: Usage; durationMs: number; code?: ErrorCode }): void
}

export interface AnswerServiceOptions {
  llm: LlmClient | undefined
  conversations: ConversationStore
  systemPrompt: string
  logger: Logger
  logContent: boolean
  /** How long an answer with nobody attached keeps streaming (so a reconnect can resume it). */
  resumeGraceMs: number
  /** How long a finished answer stays resumable. */
  retentionMs: number
  logMaxFrames: number
  hooks?: AnswerHooks
}

export interface StartRequest {
  content: string
  conversationId?: string | undefined
  messageId?: string | undefined
  userId?: string | undefined
}

export type StartResult = { ok: true; answer: Answer } | { ok: false; code: ErrorCode; error: string; messageId?: string; retryAfter?: number }

export type CancelReason = 'cancelled' | 'abandoned' | 'slow_consumer' | 'shutdown'

export class Answer {
  readonly ids: AnswerIds
  readonly log: AnswerLog
  readonly startedAt = Date.now()
  readonly controller = new AbortController()
  firstTokenAt: number | undefined
  text = ''
  private nextSeq = 0
  private graceTimer: NodeJS.Timeout | undefined
  cancelReason: CancelReason | undefined
  readonly done: Promise<void>
  private resolveDone!: () => void

  constructor(ids: AnswerIds, readonly userId: string | undefined, logMaxFrames: number, private readonly resumeGraceMs: number) {
    this.ids = ids
    this.log = new AnswerLog(logMaxFrames, (count) => this.onSubscribers(count))
    this.done = new Promise((resolve) => (this.resolveDone = resolve))
  }

  get deltaCount(): number {
    return this.nextSeq
  }

  get finished(): boolean {
    return this.log.isEnded
  }

  attach(subscriber: Subscriber, lastSeq = -1) {
    return this.log.subscribe(subscriber, lastSeq)
  }

  cancel(reason: CancelReason): void {
    if (this.finished || this.controller.signal.aborted) return
    this.cancelReason = reason
    this.controller.abort(reason)
  }

  /** Appends the next delta, numbered without gaps. */
  delta(text: string): void {
    this.text += text
    this.log.append(frames.delta(this.ids, this.nextSeq++, text))
  }

  end(frame: ServerFrame): void {
    clearTimeout(this.graceTimer)
    this.log.append(frame)
    this.resolveDone()
  }

  private onSubscribers(count: number): void {
    clearTimeout(this.graceTimer)
    if (count > 0 || this.finished) return
    // Nobody is listening: keep streaming for a short while so a reconnect can resume, then stop paying.
    if (this.resumeGraceMs === 0) this.cancel('abandoned')
    else this.graceTimer = setTimeout(() => this.cancel('abandoned'), this.resumeGraceMs)
  }
}

export interface AnswerService {
  start(request: StartRequest): StartResult
  find(messageId: string): Answer | undefined
  inFlight(): Answer[]
  /** Waits up to `graceMs` for answers in flight, then cancels the rest and waits for them to end. */
  drain(graceMs: number): Promise<void>
  close(): void
}

export function createAnswerService(options: AnswerServiceOptions): AnswerService {
  const { logger, hooks = {} } = options
  const answers = new Map<string, Answer>()
  const streamingByConversation = new Map<string, Answer>()
  const retention = new Set<NodeJS.Timeout>()
  let accepting = true

  async function run(answer: Answer, content: string): Promise<void> {
    const { llm } = options
    const model = llm!.model
    const started = performance.now()
    answer.log.append(frames.start(answer.ids, model))
    hooks.started?.(answer)
    let outcome: Outcome = 'failed'
    let usage: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 }
    let code: ErrorCode | undefined
    let metadata: CompleteMetadata | undefined
    try {
      const history = await options.conversations.history(answer.ids.conversationId)
      const messages = buildMessages(options.systemPrompt, history, content)
      const result = await llm!.stream(messages, {
        signal: answer.controller.signal,
        onDelta: (text) => {
          if (answer.firstTokenAt === undefined) {
            answer.firstTokenAt = Date.now()
            hooks.firstToken?.(answer, performance.now() - started)
          }
          answer.delta(text)
        },
      })
      usage = result.usage ?? estimateUsage(messages, answer.text)
      metadata = { model: result.model, finishReason: result.finishReason, usage, ...(result.usage ? {} : { usageEstimated: true }) }
      outcome = 'completed'
    } catch (error) {
      if (error instanceof LlmAbortedError || answer.controller.signal.aborted) {
        outcome = 'cancelled'
        // Without a usage chunk the spend is estimated, so cancelling never makes an answer free.
        usage = estimateUsage(buildMessages(options.systemPrompt, [], content), answer.text)
        metadata = { model, finishReason: 'cancelled', usage, usageEstimated: true }
      } else {
        const llmError = error instanceof LlmError ? error : undefined
        code = llmError?.code ?? 'internal_error'
        if (!llmError) logger.error({ err: error, messageId: answer.ids.messageId }, 'answer failed unexpectedly')
        const retryAfter = llmError?.retryAfter
        answer.end(frames.error(code, llmError?.message ?? 'The answer failed; try again', { ...answer.ids, ...(retryAfter ? { retryAfter } : {}) }))
      }
    }
    if (answer.text.length > 0 && outcome !== 'failed') {
      await options.conversations
        .append(answer.ids.conversationId, [
          { role: 'user', content },
          { role: 'assistant', content: answer.text },
        ])
        .catch((err: unknown) => logger.error({ err, conversationId: answer.ids.conversationId }, 'could not save the conversation turn'))
    }
    if (metadata) answer.end(frames.complete(answer.ids, metadata))
    const durationMs = Math.round(performance.now() - started)
    streamingByConversation.delete(answer.ids.conversationId)
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
    const timer = setTimeout(() => {
      retention.delete(timer)
      answers.delete(answer.ids.messageId)
    }, options.retentionMs)
    timer.unref()
    retention.add(timer)
  }

  return {
    start(request) {
      if (!accepting) return { ok: false, code: 'shutting_down', error: 'The server is shutting down; reconnect and try again' }
      if (!options.llm) {
        return {
          ok: false,
          code: 'llm_unconfigured',
          error: 'No OpenAI API key is configured: set OPENAI_API_KEY, or OPENAI_API_KEY_SECRET to a Secret Manager version, and restart the server',
          ...(request.messageId ? { messageId: request.messageId } : {}),
        }
      }
      const conversationId = request.conversationId ?? randomUUID()
      const messageId = request.messageId ?? randomUUID()
      if (answers.has(messageId)) {
        return { ok: false, code: 'invalid_message', error: `messageId ${messageId} is already used by another answer; omit it to get a fresh one`, messageId }
      }
      if (streamingByConversation.has(conversationId)) {
        return { ok: false, code: 'busy', error: 'This conversation is still answering; wait for chat_complete or send cancel first', messageId }
      }
      const answer = new Answer({ messageId, conversationId }, request.userId, options.logMaxFrames, options.resumeGraceMs)
      answers.set(messageId, answer)
      streamingByConversation.set(conversationId, answer)
      void run(answer, request.content)
      return { ok: true, answer }
    },
    find: (messageId) => answers.get(messageId),
    inFlight: () => [...streamingByConversation.values()],
    async drain(graceMs) {
      accepting = false
      const pending = [...streamingByConversation.values()]
      if (pending.length === 0) return
      let timer: NodeJS.Timeout | undefined
      const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))
      await Promise.race([Promise.all(pending.map((a) => a.done)), timedOut])
      clearTimeout(timer)
      for (const answer of streamingByConversation.values()) answer.cancel('shutdown')
      await Promise.all(pending.map((a) => a.done))
    },
    close() {
      for (const timer of retention) clearTimeout(timer)
      retention.clear()
      for (const answer of streamingByConversation.values()) answer.cancel('shutdown')
    },
  }
}

/** About four characters a token: close enough to bill a cancelled answer, and never zero. */
function estimateUsage(messages: { content: string }[], answer: string): Usage {
  const promptTokens = Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4)
  const completionTokens = Math.ceil(answer.length / 4)
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens }
}
