/** What the answer service needs of a model, whichever serves it (OpenAI, Vertex, offline): the interface and its errors. */
import type { Source, Usage } from '../protocol/frames.js'

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

/** A function the model may call, offered with a JSON schema of its arguments. */
export interface ToolSpec {
  name: string
  description: string
  parameters: Record<string, unknown>
}

/** One call the model made: its arguments as the JSON text it streamed. */
export interface ToolCall {
  id: string
  name: string
  arguments: string
}

/**
 * Tools offered for one answer. The client runs each call the model makes through `run` (on the server,
 * never the model's code) and sends the result back for one more step, in which the model explains.
 */
export interface AnswerTools {
  specs: ToolSpec[]
  /** The result the model gets back (JSON-serialisable). Never throws: a bad call gets an error result. */
  run(call: ToolCall): Promise<unknown>
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
  /** Offered to the model; a client that cannot call tools ignores them. */
  tools?: AnswerTools
  /** The editor's language; the offline client answers from that SDK's knowledge (a model reads it in the grounding). */
  language?: string
  /**
   * What retrieval should read: the user's words (and status names from the run output), apart from the editor
   * block that rides in the last message. The offline client searches with it.
   */
  query?: string
  /**
   * An answer the server's own checks composed (code review, run analysis): the offline client streams it
   * instead of a search result; a model gets the same findings as facts in its context instead.
   */
  composed?: string
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
