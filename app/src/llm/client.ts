/** What the answer service needs of a model, whichever serves it (OpenAI, Vertex, offline): the interface and its errors. */
import type { Source, Usage } from '../protocol/frames.js'

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

export interface StreamResult {
  model: string
  finishReason: string
  /** Undefined when the upstream did not report usage. */
  usage: Usage | undefined
  /** What the answer was composed from, when the client itself reads the knowledge base (offline). */
  sources?: Source[]
}

/** A caller's wishes for one answer; a client bounds them by its own settings (never above). */
export interface Sampling {
  maxTokens?: number | undefined
  temperature?: number | undefined
}

export interface StreamOptions {
  signal: AbortSignal
  onDelta: (text: string) => void
  sampling?: Sampling
}

export interface LlmClient {
  readonly model: string
  stream(messages: ChatMessage[], options: StreamOptions): Promise<StreamResult>
}

export type LlmErrorCode = 'upstream_error' | 'upstream_timeout' | 'rate_limited'

/** A failure of the upstream, with the stable code clients see. */
export class LlmError extends Error {
  override name = 'LlmError'
  constructor(
    readonly code: LlmErrorCode,
    message: string,
    readonly retryAfter?: number,
    readonly status?: number,
  ) {
    super(message)
  }
}

/** The caller aborted (cancel, disconnect, shutdown): not a failure of the upstream. */
export class LlmAbortedError extends Error {
  override name = 'LlmAbortedError'
}
