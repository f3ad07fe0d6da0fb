/**
 * The wire protocol's types and close codes, with no imports: the server (frames.ts) and the client package
 * (client/) both compile against this one file, so a frame or a close code cannot mean one thing on each side.
 */

/** WebSocket close codes of the chat socket, and what a client does about each. */
export const CloseCode = {
  /** The client closed on purpose. */
  normal: 1000,
  /** A client kept flooding after being told to slow down: do not retry. */
  policyViolation: 1008,
  /** A frame over WS_MAX_PAYLOAD_BYTES: do not send it again. */
  tooLarge: 1009,
  /** The server is restarting (draining): reconnect at once, elsewhere, and resume. */
  serviceRestart: 1012,
  /** Sent by the client when it gives up a socket (a missed heartbeat) to resume on a new one. */
  abandoned: 4000,
  /** The credential expired: reconnect with a fresh one. */
  credentialExpired: 4001,
  /** The peer stopped reading: its outbound buffer passed WS_MAX_BUFFERED_BYTES. Reconnect and resume. */
  notReading: 4008,
} as const

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
  /** The SDK package and version the passage describes (`com.hedera.hashgraph:sdk 2.59.0`). */
  sdk?: string
}

/** SDK names found in an answer's code blocks and checked against the API index of the real SDK. */
export interface ApiCheck {
  /** How many distinct SDK names were checked. */
  checked: number
  /** Names that do not exist in the SDK (e.g. `PrivateKey.fromStringEcdsa`). */
  unknown: string[]
}

export type Severity = 'error' | 'warning' | 'info'

/** A finding on the user's file: 1-based lines and columns. */
export interface Diagnostic {
  line: number
  column: number
  endLine: number
  endColumn: number
  severity: Severity
  message: string
  /** `typescript` (the compiler), `hedera-api` (names checked against the API index), `rule:<name>` (a pitfall rule). */
  source: 'typescript' | 'hedera-api' | `rule:${string}`
  /** The rule's name, for `rule:` sources. */
  rule?: string
  /** The compiler's error number, for `typescript` sources. */
  code?: number
}

/** A change placed on the user's file, in the Playground's `appliedChanges` shape (1-based, inclusive; `add` inserts at startLine). */
export interface AppliedChange {
  mode: 'add' | 'replace' | 'delete'
  code: string
  startLine: number
  endLine: number
}

/** A patch a check is certain of: the placed change plus what it fixes. */
export interface Patch extends AppliedChange {
  /** The rule (or `hedera-api`) that proposes it. */
  source: Diagnostic['source']
  /** One sentence: what the change does. */
  title: string
}

/** The checks of the editor's file (code review, run analysis) or of the answer's own code blocks. */
export interface CodeCheck {
  /** Whose code: the editor's file, or the TS/JS code blocks of the answer (lines of the joined blocks). */
  of: 'editor' | 'answer'
  diagnostics: Diagnostic[]
  patches: Patch[]
  /** Why all or part of the check did not run. */
  skipped?: string
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
  /** The editor's file checked (code-review) or its run output read (execution-analysis). */
  codeCheck?: CodeCheck
  /** The answer's own TypeScript/JavaScript blocks checked (pitfall rules and SDK names), when it has any. */
  answerCheck?: CodeCheck
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

/** The editor state a question may carry (the Playground's; see editor-context.ts for the bounds). */
export interface EditorState {
  type: 'general-assistant' | 'code-review' | 'execution-analysis'
  language?: string
  /** The cursor's 1-based line. */
  currentLine?: number
  /** The editor's whole file ('' when empty). */
  code: string
  /** What the last run printed ('' when nothing). */
  output: string
  model?: string
  useCustomKey?: boolean
}

/** What a client sends (the server validates these with the zod schemas of frames.ts). */
export type ClientFrame =
  /** `useCustomKey`: answer on the user's own stored key, with `model` from the operator's list (BYOK). */
  | { type: 'chat'; content: string; conversationId?: string; messageId?: string; language?: string; metadata?: EditorState; useCustomKey?: boolean; model?: string }
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
