/** Runs one admitted answer: history, grounding, prompt, the model's stream into the answer's log, the turn saved. */
import type { Logger } from 'pino'
import { OFFLINE_MODEL } from '../offline/offline-answer.js'
import { LlmAbortedError, LlmError, type LlmClient } from '../llm/client.js'
import { checkAnswerCode, examineEditor, proposeCodeTool, type CodeSteps, type EditorFindings } from './answer-code.js'
import type { Passage } from '../knowledge/passages.js'
import { frames, type ApiCheck, type ErrorCode, type ServerFrame, type Source, type Usage } from '../protocol/frames.js'
import type { Answer } from './answer.js'
import type { ConversationStore } from './conversations.js'
import type { Coordinator } from './coordinator.js'
import { buildGrounding, buildMessages, renderEditorContext, retrievalQuery } from './prompt.js'
import { ZERO_USAGE, type AnswerHooks, type Outcome, type StartRequest } from './start-request.js'
import { createStartTurns } from './start-turns.js'

/** One per process: the event loop it spreads starts over is the process's. */
const startTurns = createStartTurns()

export interface GenerationDeps {
  llm: LlmClient
  conversations: ConversationStore
  coordinator: Coordinator
  systemPrompt: string
  logger: Logger
  logContent: boolean
  hooks: AnswerHooks
  /** The knowledge base: grounds model answers (when `grounding`) and checks every answer's SDK names. */
  knowledge?: {
    retrieve(question: string, recentTurns: string[], limit?: number, language?: string): readonly Passage[]
    checkApi(markdown: string): ApiCheck
  }
  grounding?: boolean
  /** Code intelligence: the editor's file checked in code-review and execution-analysis, the answer's code after. */
  code?: { editor: CodeSteps; answer: CodeSteps }
}

interface Ending {
  outcome: Outcome
  usage: Usage
  terminal: ServerFrame
  code?: ErrorCode
}

/** Streams the model's answer into `answer`, then saves the turn, releases the conversation and ends the answer. */
/** What the caller does around the end: stop the producer's heartbeat, and forget the answer as in flight. */
export interface GenerationEnd {
  stopHeartbeat(): void
  settled(): void
}

export async function generateAnswer(deps: GenerationDeps, answer: Answer, request: StartRequest, end: GenerationEnd): Promise<void> {
  const started = performance.now()
  answer.emit(frames.start(answer.ids, deps.llm.model))
  deps.hooks.started?.(answer)
  // After the caller attached its socket: other devices then catch up from chat_start.
  setImmediate(() => void deps.coordinator.publish({ type: 'answer_started', ...answer.ids }).catch(() => {}))
  const ending = await streamFromModel(deps, answer, request, started)
  const saved = await saveTurn(deps, answer, request, ending.outcome)
  end.stopHeartbeat()
  // History saved and the conversation released before the terminal frame: a client that asks again at once is not busy.
  await deps.coordinator.release({ ...answer.ids, userId: answer.userId }).catch((err: unknown) => {
    deps.logger.warn({ err, conversationId: answer.ids.conversationId }, 'could not release the conversation; retrying in the background')
  })
  request.lease?.end(ending.usage)
  end.settled()
  answer.end(ending.terminal)
  // After the terminal frame: the asking socket learns of the new turn after its answer's chat_complete.
  if (saved) void deps.coordinator.publish({ type: 'conversation_updated', conversationId: answer.ids.conversationId, change: 'turn' }).catch(() => {})
  const durationMs = Math.round(performance.now() - started)
  deps.hooks.finished?.(answer, ending.outcome, { usage: ending.usage, durationMs, ...(ending.code ? { code: ending.code } : {}) })
  logAnswer(deps, answer, request, ending, durationMs)
}

/** The model's part: its outcome, spend and terminal frame; never throws. */
async function streamFromModel(deps: GenerationDeps, answer: Answer, request: StartRequest, started: number): Promise<Ending> {
  const { content } = request
  try {
    // Grounding and the request wait for their turn: a burst of new questions must not stall the answers that
    // are streaming (start-turns.ts, docs/architecture.md).
    await startTurns.wait()
    let history = request.history
    try {
      history ??= await deps.conversations.history(answer.ids.conversationId)
    } catch (error) {
      deps.logger.error({ err: error, conversationId: answer.ids.conversationId }, 'could not read the conversation history')
      throw new LlmError('upstream_error', 'The conversation history could not be read; try again')
    }
    const recentTurns = history.filter((turn) => turn.role === 'user').map((turn) => turn.content)
    const language = request.language ?? request.editor?.language
    const query = retrievalQuery(content, request.editor)
    const grounding = deps.grounding && deps.knowledge ? buildGrounding(deps.knowledge.retrieve(query, recentTurns, undefined, language)) : undefined
    const findings = deps.code ? await examineEditor(deps.code.editor, request.editor, language) : undefined
    const messages = buildMessages(deps.systemPrompt, history, content, grounding, editorBlockOf(request, findings))
    // Cancelled before the request (its socket left during admission): the client only hears of aborts from now on.
    if (answer.controller.signal.aborted) throw new LlmAbortedError('aborted')
    const offline = deps.llm.model === OFFLINE_MODEL
    // A review with a model may propose changes; the server places them on the file's lines.
    const tools = deps.code && request.editor?.type === 'code-review' && !offline ? proposeCodeTool(deps.code.editor, request.editor, answer) : undefined
    const result = await deps.llm.stream(messages, {
      signal: answer.controller.signal,
      ...(tools ? { tools } : {}),
      ...(findings ? { composed: findings.answer } : {}),
      ...(language ? { language } : {}),
      ...(request.editor ? { query } : {}),
      ...(request.sampling ? { sampling: request.sampling } : {}),
      onDelta: (text) => {
        if (answer.firstTokenAt === undefined) {
          answer.firstTokenAt = Date.now()
          deps.hooks.firstToken?.(answer, performance.now() - started)
        }
        answer.delta(text)
      },
    })
    const usage = result.usage ?? estimateUsage(messages, answer.text)
    const sources: Source[] | undefined = result.sources ?? grounding?.sources
    const apiCheck = deps.knowledge?.checkApi(answer.text)
    // The offline answer's code is the guides' own, checked in npm test; a model's is checked here.
    const answerCheck = deps.code && !offline ? await checkAnswerCode(deps.code.answer, answer.text) : undefined
    const terminal = frames.complete(answer.ids, {
      model: result.model,
      finishReason: result.finishReason,
      usage,
      ...(result.usage ? {} : { usageEstimated: true }),
      ...(sources ? { sources } : {}),
      ...(apiCheck ? { apiCheck } : {}),
      ...(findings ? { codeCheck: findings.check } : {}),
      ...(answerCheck ? { answerCheck } : {}),
    })
    return { outcome: 'completed', usage, terminal }
  } catch (error) {
    return failedEnding(deps, answer, request, error)
  }
}

function failedEnding(deps: GenerationDeps, answer: Answer, request: StartRequest, error: unknown): Ending {
  if (error instanceof LlmAbortedError || answer.controller.signal.aborted) {
    // Without a usage chunk the spend is estimated, so cancelling never makes an answer free.
    const usage = estimateUsage(buildMessages(deps.systemPrompt, request.history ?? [], request.content, undefined, editorBlockOf(request)), answer.text)
    return { outcome: 'cancelled', usage, terminal: frames.complete(answer.ids, { model: deps.llm.model, finishReason: 'cancelled', usage, usageEstimated: true }) }
  }
  const llmError = error instanceof LlmError ? error : undefined
  const code: ErrorCode = llmError?.code ?? 'internal_error'
  if (!llmError) deps.logger.error({ err: error, messageId: answer.ids.messageId }, 'answer failed unexpectedly')
  const retryAfter = llmError?.retryAfter
  const terminal = frames.error(code, llmError?.message ?? 'The answer failed; try again', { ...answer.ids, ...(retryAfter ? { retryAfter } : {}) })
  return { outcome: 'failed', usage: ZERO_USAGE, terminal, code }
}

/** Saves the question and the answer as a turn of the conversation (not for stateless or failed answers). */
async function saveTurn(deps: GenerationDeps, answer: Answer, request: StartRequest, outcome: Outcome): Promise<boolean> {
  if (answer.text.length === 0 || outcome === 'failed' || isStateless(request)) return false
  try {
    await deps.conversations.append(answer.ids.conversationId, [
      { role: 'user', content: request.content },
      { role: 'assistant', content: answer.text },
    ])
    return true
  } catch (err) {
    deps.logger.error({ err, conversationId: answer.ids.conversationId }, 'could not save the conversation turn')
    return false
  }
}

function logAnswer(deps: GenerationDeps, answer: Answer, request: StartRequest, ending: Ending, durationMs: number): void {
  const { usage, outcome, code } = ending
  deps.logger.info(
    {
      event: 'answer',
      ...answer.ids,
      userId: answer.userId,
      model: deps.llm.model,
      outcome,
      ...(answer.cancelReason ? { cancelReason: answer.cancelReason } : {}),
      ...(code ? { code } : {}),
      ...(isStateless(request) ? { stateless: true } : {}),
      deltas: answer.deltaCount,
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      totalTokens: usage.totalTokens,
      durationMs,
      timeToFirstTokenMs: answer.firstTokenAt ? answer.firstTokenAt - answer.startedAt : undefined,
      ...(deps.logContent ? { question: request.content, answer: answer.text } : {}),
    },
    'answer finished',
  )
}

/** The editor state as the model reads it, when the question came with one, with what the server's checks found. */
function editorBlockOf(request: StartRequest, findings?: EditorFindings): string | undefined {
  if (!request.editor) return undefined
  const block = renderEditorContext(request.editor)
  return findings?.facts ? `${block}\n\nWhat this server's checks found (from the SDK's own declarations, its status codes and known pitfalls; start from these facts):\n${findings.facts}` : block
}

/** The client keeps the conversation and the server keeps nothing (the OpenAI way). */
const isStateless = (request: StartRequest) => request.history !== undefined && !request.keepTurn

/** About four characters a token: close enough to bill a cancelled answer, and never zero. */
function estimateUsage(messages: { content: string }[], answer: string): Usage {
  const promptTokens = Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4)
  const completionTokens = Math.ceil(answer.length / 4)
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens }
}
