/** What a transport asks of the answer service, and what it gets back: one typed object for every protocol. */
import type { ChatMessage, LlmClient, Sampling } from '../llm/client.js'
import type { EditorContext } from '../protocol/editor-context.js'
import type { ErrorCode, Usage } from '../protocol/frames.js'
import type { Answer } from './answer.js'

/**
 * What an answer holds while it runs and gives back when it ends, whatever the path: the admission slot and
 * the spend of its tokens. `end` is called exactly once: when the answer ends, or at once when it cannot start.
 */
export interface AnswerLease {
  end(usage: Usage): void
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
  /**
   * With `history`: still save the turn under `conversationId` and give the conversation to the user (the AI SDK
   * way: the client sends the history, the server keeps a copy for the history endpoint).
   */
  keepTurn?: boolean | undefined
  /** The editor state the question came with: the prompt and the retrieval read it. */
  editor?: EditorContext | undefined
  /** The client's wishes for this answer; the LLM client bounds them by the server's settings. */
  sampling?: Sampling | undefined
  /** The editor's language: the knowledge base answers from that SDK (see knowledge/languages.ts). */
  language?: string | undefined
  /** Held by the answer and ended with it (see AnswerLease); the guarded start sets it. */
  lease?: AnswerLease | undefined
  /** Answer on the asking user's own stored key (BYOK) instead of the operator's; the guarded start opens it. */
  useCustomKey?: boolean | undefined
  /** With useCustomKey: the model, one of BYOK_MODELS (the first when absent); ignored otherwise. */
  model?: string | undefined
  /** The client for this one answer when it is not the server's (a user's own key); the guarded start sets it. */
  llm?: LlmClient | undefined
}

export type StartRefusal = { ok: false; code: ErrorCode; error: string; messageId?: string; retryAfter?: number }
export type StartResult = { ok: true; answer: Answer } | StartRefusal

export type Outcome = 'completed' | 'cancelled' | 'failed'

/** Observers of answer lifecycles (metrics); every method optional. */
export interface AnswerHooks {
  started?(answer: Answer): void
  firstToken?(answer: Answer, ms: number): void
  finished?(answer: Answer, outcome: Outcome, info: { usage: Usage; durationMs: number; code?: ErrorCode }): void
}

export const ZERO_USAGE: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 }
