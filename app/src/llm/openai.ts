/** Streams text pieces from an OpenAI-compatible endpoint: a lean request (upstream-request.ts), a lean SSE read of the body; timeouts, retries, error codes. */
import type { Usage } from '../protocol/frames.js'
import { LlmAbortedError, LlmError, type LlmClient, type StreamOptions, type StreamResult, type ToolCall } from './client.js'
import { afterToolCalls, toolRequestFields, type ToolAccumulator, type UpstreamMessage } from './tool-calls.js'
import { chatCompletionsEndpoint, postForStream, UpstreamConnectionError, UpstreamStatusError } from './upstream-request.js'
import { requestBody } from './request-body.js'
import { createSseReader } from './sse-reader.js'
import { contentOf, contentOfBytes, contentTemplate, type ContentTemplate } from './content-chunk.js'

/** Where requests go when no base URL is configured. */
export const OPENAI_API_BASE = 'https://api.openai.com/v1'

export interface OpenAiSettings {
  /** A key, or a function called before each request (a short-lived token that refreshes). */
  apiKey: string | (() => Promise<string>)
  /** What to check when the provider refuses the credential (default: OPENAI_API_KEY). */
  credentialHint?: string
  baseURL: string | undefined
  model: string
  maxTokens: number
  temperature: number
  firstTokenTimeoutMs: number
  idleTimeoutMs: number
  answerTimeoutMs: number
  maxRetries: number
  retryBaseMs: number
}

type TimeoutKind = 'first_token' | 'idle' | 'answer'
const TIMEOUT_TEXT: Record<TimeoutKind, string> = {
  first_token: 'The model sent no first token in time',
  idle: 'The model went silent in the middle of the answer',
  answer: 'The answer took longer than the time allowed',
}

class TimeoutSignal extends Error {
  constructor(readonly kind: TimeoutKind) {
    super(kind)
  }
}

export function createOpenAiClient(settings: OpenAiSettings): LlmClient {
  // Retries are ours (only before the first token). The request is built here, once per client where it can be.
  const endpoint = chatCompletionsEndpoint(settings.baseURL ?? OPENAI_API_BASE)
  const { apiKey } = settings
  const fixedAuthorization = typeof apiKey === 'string' ? `Bearer ${apiKey}` : undefined
  const authorization = async () => fixedAuthorization ?? `Bearer ${await credential(apiKey as () => Promise<string>)}`

  /** One request of one step; its tool calls (if any) come back with the result. */
  async function attempt(messages: UpstreamMessage[], options: StreamOptions, step: number, answerSignal: AbortSignal, emitted: { any: boolean }): Promise<StepResult> {
    const controller = new AbortController()
    const abort = (reason: unknown) => controller.abort(reason)
    const onOuterAbort = () => abort(answerSignal.reason)
    answerSignal.addEventListener('abort', onOuterAbort, { once: true })
    let timer = setTimeout(() => abort(new TimeoutSignal('first_token')), settings.firstTokenTimeoutMs)
    try {
      const fields = {
        model: settings.model,
        stream: true,
        stream_options: { include_usage: true },
        // A caller may ask for less than the server allows, never more.
        max_tokens: Math.min(options.sampling?.maxTokens ?? settings.maxTokens, settings.maxTokens),
        temperature: Math.min(options.sampling?.temperature ?? settings.temperature, settings.temperature),
        ...toolRequestFields(options.tools, step),
      }
      const body = await postForStream(endpoint, await authorization(), requestBody(messages, fields), controller.signal)
      const state: ChunkState = { model: settings.model, finishReason: undefined, usage: undefined, done: false, text: '', tools: new Map() }
      let firstToken = true
      /** Network reads so far: after the first token a read only counts, the idle watch reads the count. */
      let reads = 0
      const onActivity = () => {
        if (!firstToken) return
        firstToken = false
        clearTimeout(timer)
        timer = watchIdle(settings.idleTimeoutMs, () => reads, () => abort(new TimeoutSignal('idle')))
      }
      // The step's text is only needed to answer tool calls; the answer keeps its own.
      const keepText = options.tools !== undefined
      const onToken = (text: string) => {
        onActivity()
        emitted.any = true
        if (keepText) state.text += text
        options.onDelta(text)
      }
      const reader = createSseReader({
        onData: (data) => readChunk(data, state, onToken, onActivity),
        readText: (chunk, start, end) => (state.template && !state.done ? contentOfBytes(chunk, start, end, state.template) : undefined),
        onText: (text) => {
          if (text) onToken(text)
        },
      })
      await new Promise<void>((resolve, reject) => {
        body.on('data', (chunk: Buffer) => {
          reads++
          try {
            reader.feed(chunk)
          } catch (error) {
            body.destroy()
            reject(error instanceof Error ? error : new Error(String(error)))
          }
        })
        body.on('end', () => {
          reader.end()
          resolve()
        })
        // A cut connection ends the body with 'aborted' / an error, or just 'close' without 'end'.
        body.on('error', reject)
        body.on('close', () => {
          if (!body.readableEnded) reject(new LlmError('upstream_error', 'The model stream was cut before it ended'))
        })
      })
      if (controller.signal.aborted) throw controller.signal.reason
      if (!state.finishReason) throw new LlmError('upstream_error', 'The model stream ended before the answer was finished')
      const toolCalls: ToolCall[] = [...state.tools.values()].map((t) => ({ id: t.id, name: t.name, arguments: t.arguments }))
      return { model: state.model, finishReason: state.finishReason, usage: state.usage, text: state.text, toolCalls }
    } catch (error) {
      throw controller.signal.aborted ? fromAbortReason(controller.signal.reason) : classify(error, settings.credentialHint)
    } finally {
      clearTimeout(timer)
      answerSignal.removeEventListener('abort', onOuterAbort)
    }
  }

  /** One step, retried only while nothing reached the client. */
  async function step(messages: UpstreamMessage[], options: StreamOptions, n: number, signal: AbortSignal, emitted: { any: boolean }): Promise<StepResult> {
    for (let tries = 0; ; tries++) {
      try {
        return await attempt(messages, options, n, signal, emitted)
      } catch (error) {
        if (!(error instanceof LlmError) || emitted.any || tries >= settings.maxRetries || !isRetryable(error)) throw error
        await sleep(backoffMs(tries, settings.retryBaseMs, error.retryAfter), signal)
      }
    }
  }

  return {
    model: settings.model,
    async stream(messages, options) {
      const answerController = new AbortController()
      const onAbort = () => answerController.abort(options.signal.reason)
      options.signal.addEventListener('abort', onAbort, { once: true })
      const answerTimer = setTimeout(() => answerController.abort(new TimeoutSignal('answer')), settings.answerTimeoutMs)
      const emitted = { any: false }
      try {
        let conversation: UpstreamMessage[] = messages
        let result = await step(conversation, options, 0, answerController.signal, emitted)
        let usage = result.usage
        // One round of tools at most: the server runs the calls, then the model explains in a second step.
        if (options.tools && result.toolCalls.length > 0 && result.finishReason === 'tool_calls') {
          conversation = await afterToolCalls(conversation, result.text, result.toolCalls, options.tools)
          if (answerController.signal.aborted) throw fromAbortReason(answerController.signal.reason)
          result = await step(conversation, options, 1, answerController.signal, emitted)
          usage = usage && result.usage ? addUsage(usage, result.usage) : undefined
        }
        return { model: result.model, finishReason: result.finishReason, usage }
      } finally {
        clearTimeout(answerTimer)
        options.signal.removeEventListener('abort', onAbort)
      }
    },
  }
}

type StepResult = StreamResult & { text: string; toolCalls: ToolCall[] }

/** Checks per idle period: silence is noticed after one to 1 + 1/IDLE_CHECKS periods. */
const IDLE_CHECKS = 4

/** The longest a silent model stream runs on before its answer ends (what followers elsewhere wait for). */
export const idleDetectionMs = (idleTimeoutMs: number) => idleTimeoutMs + Math.ceil(idleTimeoutMs / IDLE_CHECKS)

/**
 * Calls `onIdle` once `reads()` has not changed for `idleMs`. A timer moved on every network read (refresh)
 * cost a timer-list insert and a clock read per read, ~1 % of an answer's CPU at saturation; this one wakes
 * IDLE_CHECKS times per period and compares a count.
 */
function watchIdle(idleMs: number, reads: () => number, onIdle: () => void): NodeJS.Timeout {
  let seen = reads()
  let silent = 0
  return setInterval(function checkIdle() {
    const now = reads()
    if (now !== seen) {
      seen = now
      silent = 0
    } else if (++silent >= IDLE_CHECKS) onIdle()
  }, Math.max(1, Math.ceil(idleMs / IDLE_CHECKS)))
}

function addUsage(a: Usage, b: Usage): Usage {
  return { promptTokens: a.promptTokens + b.promptTokens, completionTokens: a.completionTokens + b.completionTokens, totalTokens: a.totalTokens + b.totalTokens }
}

interface ChunkState {
  model: string
  finishReason: string | undefined
  usage: Usage | undefined
  done: boolean
  /** This step's text, for the assistant message that carries its tool calls (kept only when tools were offered). */
  text: string
  tools: ToolAccumulator
  /** The stream's text chunk around its text, once one was parsed: later ones skip JSON.parse (content-chunk.ts). */
  template?: ContentTemplate
}

interface StreamChunk {
  model?: string
  choices?: {
    delta?: { content?: string | null; tool_calls?: { index: number; id?: string; function?: { name?: string; arguments?: string } }[] }
    finish_reason?: string | null
  }[]
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null
  error?: { message?: string }
}

/** One `data:` of the stream: text goes to `onToken`, the rest updates `state`; `[DONE]` ends it. */
function readChunk(data: string, state: ChunkState, onToken: (text: string) => void, onActivity: () => void): void {
  if (state.done) return
  if (data === '[DONE]') {
    state.done = true
    return
  }
  if (state.template) {
    const text = contentOf(data, state.template)
    if (text !== undefined) {
      if (text) onToken(text)
      return
    }
  }
  let chunk: StreamChunk
  try {
    chunk = JSON.parse(data) as StreamChunk
  } catch {
    throw new LlmError('upstream_error', 'The model stream sent a chunk that is not JSON')
  }
  state.template = contentTemplate(data, chunk) ?? state.template
  if (chunk.error) throw new LlmError('upstream_error', 'The model provider reported an error in the middle of the answer')
  if (chunk.model) state.model = chunk.model
  const choice = chunk.choices?.[0]
  const text = choice?.delta?.content
  if (text) onToken(text)
  for (const piece of choice?.delta?.tool_calls ?? []) {
    onActivity()
    const call = state.tools.get(piece.index) ?? { id: '', name: '', arguments: '' }
    if (piece.id) call.id = piece.id
    if (piece.function?.name) call.name += piece.function.name
    if (piece.function?.arguments) call.arguments += piece.function.arguments
    state.tools.set(piece.index, call)
  }
  if (choice?.finish_reason) state.finishReason = choice.finish_reason
  if (chunk.usage) {
    state.usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens, totalTokens: chunk.usage.total_tokens }
  }
}

function isRetryable(error: LlmError): boolean {
  if (error.code === 'rate_limited') return true
  if (error.code !== 'upstream_error') return false
  return error.status === undefined || error.status >= 500 || error.status === 408 || error.status === 409
}

function backoffMs(attempt: number, baseMs: number, retryAfterS: number | undefined): number {
  const exponential = baseMs * 2 ** attempt * (0.5 + Math.random() / 2)
  // Honour a short Retry-After; a long one is the caller's problem, not a reason to hold the socket.
  return retryAfterS !== undefined && retryAfterS <= 10 ? Math.max(exponential, retryAfterS * 1000) : exponential
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(fromAbortReason(signal.reason))
    const onAbort = () => {
      clearTimeout(timer)
      reject(fromAbortReason(signal.reason))
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

/** Our own timers abort with a TimeoutSignal; any other abort came from the caller. */
function fromAbortReason(reason: unknown): Error {
  return reason instanceof TimeoutSignal ? classify(reason) : new LlmAbortedError('aborted')
}

/** A credential function (a Google token) failed: its message says where from and what to check. */
async function credential(source: () => Promise<string>): Promise<string> {
  try {
    return await source()
  } catch (error) {
    throw new LlmError('upstream_error', error instanceof Error && error.name === 'TokenError' ? error.message : 'The credential for the model provider could not be obtained')
  }
}

/** Maps whatever the request or a timer threw to LlmError (with a stable code) or LlmAbortedError. */
function classify(error: unknown, credentialHint = 'check OPENAI_API_KEY'): Error {
  if (error instanceof LlmError || error instanceof LlmAbortedError) return error
  if (error instanceof TimeoutSignal) return new LlmError('upstream_timeout', TIMEOUT_TEXT[error.kind])
  if (error instanceof UpstreamStatusError) {
    const { status } = error
    if (status === 429) return new LlmError('rate_limited', 'The model provider is rate limiting requests; try again shortly', error.retryAfter, status)
    if (status === 401 || status === 403) return new LlmError('upstream_error', `The model provider refused the credential (HTTP ${status}); ${credentialHint}`, undefined, status)
    return new LlmError('upstream_error', `The model provider answered HTTP ${status}`, undefined, status)
  }
  if (error instanceof UpstreamConnectionError) return new LlmError('upstream_error', 'Could not reach the model provider')
  return new LlmError('upstream_error', 'The model stream failed')
}

// The interface moved to client.ts; these names stay importable from here for code written against the old place.
export { LlmAbortedError, LlmError } from './client.js'
export type { ChatMessage, LlmClient, LlmErrorCode, Sampling, StreamOptions, StreamResult } from './client.js'
