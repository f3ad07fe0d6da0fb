/**
 * The wire protocol's types, with no imports: the server (frames.ts) and the client package (client/)
 * both compile against this one file, so a frame cannot mean one thing on each side.
 */

export type ErrorCode =
  | 'invalid_message'
  | 'payload_too_large'
  | 'busy'
  | 'upstream_error'
  | 'upstream_timeout'
  | 'rate_limited'
  | 'llm_unconfigured'
  | 'slow_consumer'
  | 'unknown_answer'
  | 'resume_unavailable'
  | 'shutting_down'
  | 'unauthorized'
  | 'not_found'
  | 'unavailable'
  | 'unsupported_media_type'
  | 'answer_interrupted'
  | 'forbidden'
  | 'method_not_allowed'
  | 'internal_error'

export interface Usage {
  promptTokens: number
  completionTokens: number
  totalTokens: number
}

/** A passage of the knowledge base an answer was grounded in; `[n]` in the text cites the n-th (1-based). */
export interface Source {
  id: string
  title: string
  kind: 'guide' | 'api'
}

/** SDK names found in an answer's code blocks and checked against the API index of the real SDK. */
export interface ApiCheck {
  /** How many distinct SDK names were checked. */
  checked: number
  /** Names that do not exist in the SDK (e.g. `PrivateKey.fromStringEcdsa`). */
  unknown: string[]
}

export interface CompleteMetadata {
  model: string
  finishReason: string
  usage: Usage
  usageEstimated?: boolean
  /** Present when the answer was grounded in the knowledge base. */
  sources?: Source[]
  /** Present when the answer's code was checked against the SDK's API index. */
  apiCheck?: ApiCheck
}

/** A tool the model called and the server ran (e.g. `proposeCode`: changes placed on lines of the editor's file). */
export interface ToolEvent {
  toolCallId: string
  toolName: string
  input: unknown
  output: unknown
}

export interface ServerFrame {
  type: 'chat_start' | 'chat_delta' | 'chat_tool' | 'chat_complete' | 'error' | 'pong' | 'subscribed' | 'unsubscribed' | 'conversation_updated'
  /** On chat_tool: the call and its result. It takes a `seq` in the answer's order, like a delta. */
  tool?: ToolEvent
  change?: 'turn' | 'renamed' | 'deleted'
  content?: string
  messageId?: string
  conversationId?: string
  error?: string
  code?: ErrorCode
  seq?: number
  retryAfter?: number
  metadata?: CompleteMetadata | { model: string }
}

export interface AnswerIds {
  messageId: string
  conversationId: string
}

/** What a client sends (the server validates these with the zod schemas of frames.ts). */
export type ClientFrame =
  /** `useCustomKey`: answer on the user's own stored key, with `model` from the operator's list (BYOK). */
  | { type: 'chat'; content: string; conversationId?: string; messageId?: string; useCustomKey?: boolean; model?: string }
  | { type: 'ping' }
  | { type: 'cancel'; messageId: string }
  | { type: 'resume'; messageId: string; lastSeq: number }
  | { type: 'subscribe'; conversationId: string }
  | { type: 'unsubscribe'; conversationId: string }

/** One entry of `GET /api/conversations`. */
export interface ConversationSummary {
  conversationId: string
  title?: string
  /** Milliseconds since the epoch. */
  createdAt: number
  updatedAt: number
}

/** One turn of `GET /api/conversations/:conversationId`. */
export interface ConversationMessage {
  role: 'user' | 'assistant'
  content: string
}
