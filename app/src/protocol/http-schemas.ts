/**
 * Zod schemas of what the server sends (frames and HTTP bodies). The requests are validated with the schemas
 * of frames.ts; these describe the answers, so the OpenAPI and AsyncAPI documents come from one source.
 * wire.test.ts checks at typecheck that they infer exactly the wire types.
 */
import { z } from 'zod'
import { IdSchema } from './frames.js'
import type { ErrorCode } from './wire.js'

export const ERROR_CODES = [
  'invalid_message',
  'payload_too_large',
  'busy',
  'upstream_error',
  'upstream_timeout',
  'rate_limited',
  'llm_unconfigured',
  'slow_consumer',
  'unknown_answer',
  'resume_unavailable',
  'shutting_down',
  'unauthorized',
  'not_found',
  'unavailable',
  'unsupported_media_type',
  'answer_interrupted',
  'forbidden',
  'method_not_allowed',
  'internal_error',
] as const satisfies readonly ErrorCode[]

export const ErrorCodeSchema = z.enum(ERROR_CODES).meta({ description: 'A stable code; `error` says the same in a sentence' })

export const UsageSchema = z.object({ promptTokens: z.number().int(), completionTokens: z.number().int(), totalTokens: z.number().int() })

export const SourceSchema = z.object({ id: z.string(), title: z.string(), kind: z.enum(['guide', 'api']), sdk: z.string().optional().meta({ description: 'The SDK package and version the passage describes' }) }).meta({ description: 'A knowledge-base passage; `[n]` in the answer cites the n-th' })

export const ApiCheckSchema = z.object({
  checked: z.number().int().meta({ description: 'Distinct SDK names checked' }),
  unknown: z.array(z.string()).meta({ description: 'Names that do not exist in the SDK' }),
})

const PositionSchema = { line: z.number().int(), column: z.number().int(), endLine: z.number().int(), endColumn: z.number().int() }
const CheckSourceSchema = z.union([z.literal('typescript'), z.literal('hedera-api'), z.templateLiteral(['rule:', z.string()])])
export const DiagnosticSchema = z.object({
  ...PositionSchema,
  severity: z.enum(['error', 'warning', 'info']),
  message: z.string(),
  source: CheckSourceSchema,
  rule: z.string().optional(),
  code: z.number().int().optional(),
})
export const PatchSchema = z.object({
  mode: z.enum(['add', 'replace', 'delete']),
  code: z.string(),
  startLine: z.number().int(),
  endLine: z.number().int(),
  source: CheckSourceSchema,
  title: z.string(),
})
export const CodeCheckSchema = z
  .object({ of: z.enum(['editor', 'answer']), diagnostics: z.array(DiagnosticSchema), patches: z.array(PatchSchema), skipped: z.string().optional() })
  .meta({ description: "Checks of the editor's file (review, run analysis) or of the answer's TS/JS code: 1-based lines, patches in the Playground's appliedChanges shape" })

export const CompleteMetadataSchema = z.object({
  model: z.string(),
  finishReason: z.string(),
  usage: UsageSchema,
  usageEstimated: z.boolean().optional(),
  sources: z.array(SourceSchema).optional(),
  apiCheck: ApiCheckSchema.optional(),
  codeCheck: CodeCheckSchema.optional(),
  answerCheck: CodeCheckSchema.optional(),
})

export const ServerFrameSchema = z
  .object({
    type: z.enum(['chat_start', 'chat_delta', 'chat_tool', 'chat_complete', 'error', 'pong', 'subscribed', 'unsubscribed', 'conversation_updated']),
    change: z.enum(['turn', 'renamed', 'deleted']).optional(),
    tool: z
      .object({ toolCallId: z.string(), toolName: z.string(), input: z.unknown(), output: z.unknown() })
      .optional()
      .meta({ description: 'On chat_tool: a tool the model called and the server ran (proposeCode: changes placed on lines)' }),
    content: z.string().optional(),
    messageId: z.string().optional(),
    conversationId: z.string().optional(),
    error: z.string().optional(),
    code: ErrorCodeSchema.optional(),
    seq: z.number().int().optional(),
    retryAfter: z.number().optional(),
    metadata: z.union([CompleteMetadataSchema, z.object({ model: z.string() })]).optional(),
  })
  .meta({ description: 'One server frame (WebSocket text frame, or the data of one SSE event named by its type)' })

export const ErrorBodySchema = z
  .object({
    type: z.literal('error').optional(),
    code: ErrorCodeSchema,
    error: z.string(),
    messageId: z.string().optional(),
    conversationId: z.string().optional(),
    retryAfter: z.number().optional(),
    /** A more precise, stable reason where one code covers several (users' own keys: byok_*). */
    reason: z.string().optional(),
  })
  .meta({ description: 'A refusal: a stable code and one sentence saying what was wrong and how to fix it' })

/** A refusal on the Playground's paths: this server's fields and the Playground's (`reason`, `message`, `statusCode`). */
export const PlaygroundErrorBodySchema = ErrorBodySchema.extend({
  reason: ErrorCodeSchema.optional(),
  message: z.string().optional(),
  statusCode: z.number().int().optional(),
  details: z.object({ field: z.string() }).optional(),
}).meta({ description: 'A refusal with this server\'s code and error, and on the AI SDK paths the Playground\'s reason, message, statusCode and details.field' })

/** One stored turn as the AI SDK's UIMessage (GET /api/playground/assistant/chat/history/:conversationId). */
export const HistoryMessageSchema = z.object({
  id: z.string(),
  role: z.enum(['user', 'assistant']),
  parts: z.array(z.object({ type: z.literal('text'), text: z.string() })),
})
export const ChatHistorySchema = z.object({ conversationId: IdSchema, messages: z.array(HistoryMessageSchema) })

export const StoppedSchema = z.object({ stopped: z.string().meta({ description: 'The id of the answer that was cancelled' }) })

/** POST /api/playground/assistant/user-ai-key: the user's own OpenAI key. */
export const UserAiKeyRequestSchema = z.object({ apiKey: z.string().min(20).max(512).regex(/^sk-[A-Za-z0-9_-]+$/) })

/** What is stored about a user's own key: never the key, at most its masked form. */
export const UserAiKeyInfoSchema = z.object({
  stored: z.boolean(),
  masked: z.string().optional(),
  createdAt: z.string().optional(),
  /** The models a chat with useCustomKey may name (BYOK_MODELS), the first the default. */
  models: z.array(z.string()),
})

export const HealthSchema = z.object({
  status: z.enum(['healthy', 'degraded', 'shutting_down']),
  timestamp: z.string(),
  uptime: z.number(),
  environment: z.string(),
  version: z.string(),
  reason: z.string().optional(),
})

// Loose: other parts of the server add fields to /api/info (e.g. the LLM provider).
export const InfoSchema = z.looseObject({
  name: z.string(),
  version: z.string(),
  description: z.string(),
  endpoints: z.record(z.string(), z.string()),
  auth: z.object({ mode: z.enum(['none', 'token', 'jwt', 'gateway']) }),
})

export const StatsSchema = z.object({
  activeConnections: z.number().int(),
  connections: z.array(z.object({ id: z.string(), isAlive: z.boolean(), messageCount: z.number().int() })),
  heartbeatTerminations: z.number().int(),
})

export const ConversationSummarySchema = z.object({ conversationId: IdSchema, title: z.string().optional(), createdAt: z.number(), updatedAt: z.number() })
export const ConversationListSchema = z.object({ conversations: z.array(ConversationSummarySchema) })
export const ConversationMessageSchema = z.object({ role: z.enum(['user', 'assistant']), content: z.string() })
export const ConversationSchema = z.object({ conversationId: IdSchema, messages: z.array(ConversationMessageSchema) })
export const RenamedSchema = z.object({ conversationId: IdSchema, title: z.string() })
