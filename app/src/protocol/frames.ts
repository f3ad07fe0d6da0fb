/** The wire protocol: zod schemas of client messages and builders of server frames (shared by WS and SSE). */
import { z } from 'zod'
import { DEFAULT_EDITOR_LIMITS, editorContextSchema, type EditorLimits } from './editor-context.js'
// The frame types live in wire.ts (no imports), which the client package compiles too.
import type { AnswerIds, CompleteMetadata, ErrorCode, ServerFrame, ToolEvent } from './wire.js'
export type { AnswerIds, ApiCheck, ClientFrame, CodeCheck, CompleteMetadata, ErrorCode, ServerFrame, Source, ToolEvent, Usage } from './wire.js'

/** Ids become map and Redis keys: a small, safe alphabet. */
export const IdSchema = z
  .string({ error: 'must be a string' })
  .regex(/^[A-Za-z0-9._:-]{1,128}$/, { message: "must be 1-128 letters, digits, '.', '_', ':' or '-'" })

export function contentSchema(maxChars: number) {
  return z
    .string({ error: 'must be a string' })
    // Checks zod can describe (pattern, maxLength in the OpenAPI and AsyncAPI documents), not refines.
    .regex(/\S/, { message: 'must not be empty' })
    .max(maxChars, { message: `must be at most ${maxChars} characters` })
}

/** The editor's language: which SDK the knowledge base answers from (typescript, javascript, java, rust, go). */
export const LanguageSchema = z
  .string({ error: 'must be a string such as "java"' })
  .regex(/^[A-Za-z][\w+#-]{0,31}$/, { message: 'must be a language name such as typescript, javascript, java, rust or go' })
  .meta({ description: "The editor's language (typescript, javascript, java, rust, go): the SDK the knowledge base answers from" })
/** A model id a user's own key may name (checked against BYOK_MODELS when the answer starts). */
export const ModelIdSchema = z
  .string({ error: 'must be a string' })
  .regex(/^[A-Za-z0-9._:/-]{1,128}$/, { message: "must be a model id of 1-128 letters, digits, '.', '_', ':', '/' or '-', e.g. gpt-4o-mini" })

/** Run this answer on the user's own stored key (BYOK), with `model` from the operator's list. */
const customKeyFields = {
  useCustomKey: z.boolean({ error: 'must be true or false' }).optional(),
  model: ModelIdSchema.optional(),
}

// Unknown fields are ignored (zod strips them): clients of the earlier design send `content` on every frame.
// `metadata` is the editor state, the same object the AI SDK protocol carries as the last message's metadata.
export function clientMessageSchema(maxChars: number, editorLimits: EditorLimits = DEFAULT_EDITOR_LIMITS) {
  return z.discriminatedUnion('type', [
    z.object({
      type: z.literal('chat'),
      content: contentSchema(maxChars),
      conversationId: IdSchema.optional(),
      messageId: IdSchema.optional(),
      language: LanguageSchema.optional(),
      metadata: editorContextSchema(editorLimits).optional(),
      ...customKeyFields,
    }),
    z.object({ type: z.literal('ping') }),
    z.object({ type: z.literal('cancel'), messageId: IdSchema }),
    z.object({
      type: z.literal('resume'),
      messageId: IdSchema,
      lastSeq: z.number({ error: 'must be a number' }).int({ message: 'must be a whole number' }).min(-1, { message: 'must be -1 or more' }).default(-1),
    }),
    z.object({ type: z.literal('subscribe'), conversationId: IdSchema }),
    z.object({ type: z.literal('unsubscribe'), conversationId: IdSchema }),
  ])
}

export type ClientMessageSchema = ReturnType<typeof clientMessageSchema>
export type ClientMessage = z.infer<ClientMessageSchema>
export const CLIENT_MESSAGE_TYPES = ['chat', 'ping', 'cancel', 'resume', 'subscribe', 'unsubscribe'] as const

export const ChatRequestSchema = (maxChars: number, editorLimits: EditorLimits = DEFAULT_EDITOR_LIMITS) =>
  z.object({
    content: contentSchema(maxChars),
    conversationId: IdSchema.optional(),
    messageId: IdSchema.optional(),
    language: LanguageSchema.optional(),
    metadata: editorContextSchema(editorLimits).optional(),
    ...customKeyFields,
  })

export const frames = {
  start: (ids: AnswerIds, model: string): ServerFrame => ({ type: 'chat_start', ...ids, metadata: { model } }),
  delta: (ids: AnswerIds, seq: number, content: string): ServerFrame => ({ type: 'chat_delta', ...ids, seq, content }),
  tool: (ids: AnswerIds, seq: number, tool: ToolEvent): ServerFrame => ({ type: 'chat_tool', ...ids, seq, tool }),
  complete: (ids: AnswerIds, metadata: CompleteMetadata): ServerFrame => ({ type: 'chat_complete', ...ids, metadata }),
  error: (code: ErrorCode, error: string, extra: Partial<AnswerIds> & { retryAfter?: number } = {}): ServerFrame => ({
    type: 'error',
    code,
    error,
    ...extra,
  }),
  pong: (): ServerFrame => ({ type: 'pong' }),
  /** The last frame a reader that fell too far behind gets (WebSocket, SSE and the OpenAI stream alike). */
  slowConsumer: (ids: AnswerIds): ServerFrame => ({ type: 'error', code: 'slow_consumer', error: 'You are not reading fast enough; this answer was cancelled', ...ids }),
}

/**
 * A delta's JSON is the answer's part (type and ids, made once per answer by `deltaJsonPrefix`), its seq and its
 * content: the same bytes as JSON.stringify(frames.delta(...)), without serializing the ids per token.
 */
export function deltaJsonPrefix(ids: AnswerIds): string {
  return `${JSON.stringify({ type: 'chat_delta', ...ids }).slice(0, -1)},"seq":`
}

export const deltaJson = (prefix: string, seq: number, content: string): string => `${prefix}${seq},"content":${JSON.stringify(content)}}`

/** A frame that ends an answer: nothing follows it. */
export function isTerminal(frame: ServerFrame): boolean {
  return frame.type === 'chat_complete' || (frame.type === 'error' && frame.messageId !== undefined)
}

/** Turns a zod failure into one sentence: which field, what was wrong, what is allowed. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.join('.')
      if (issue.code === 'invalid_union' && field === 'type') return describeUnknownType()
      return field ? `${field} ${issue.message}` : issue.message
    })
    .join('; ')
}

function describeUnknownType(): string {
  return `type must be one of ${CLIENT_MESSAGE_TYPES.join(', ')}`
}

export type ParseResult = { ok: true; message: ClientMessage } | { ok: false; error: string }

/** Characters of an offending value an error repeats: enough to recognise it, never the whole (maybe 1 MB) value. */
export const ECHO_MAX_CHARS = 40

/** A short JSON preview of a value for an error sentence. */
export function echo(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length <= ECHO_MAX_CHARS ? text : `${text.slice(0, ECHO_MAX_CHARS)}… (${text.length} characters)`
}

/** Parses one text frame. Never throws: a bad frame becomes a sentence for an `invalid_message` error. */
export function parseClientMessage(text: string, schema: ClientMessageSchema): ParseResult {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return { ok: false, error: 'Message is not valid JSON; send a JSON object like {"type":"chat","content":"..."}' }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, error: 'Message must be a JSON object like {"type":"chat","content":"..."}' }
  }
  const type = (data as { type?: unknown }).type
  if (typeof type !== 'string' || !(CLIENT_MESSAGE_TYPES as readonly string[]).includes(type)) {
    const got = type === undefined ? 'missing' : echo(type)
    return { ok: false, error: `${describeUnknownType()} (got ${got})` }
  }
  const result = schema.safeParse(data)
  if (!result.success) return { ok: false, error: `Invalid ${type} message: ${describeIssues(result.error)}` }
  return { ok: true, message: result.data }
}
