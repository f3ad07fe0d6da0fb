/** A Chat Completions request -> the question, the client's history and its sampling wishes (zod, one sentence per fault). */
import { z } from 'zod'
import { DEFAULT_EDITOR_LIMITS, editorContextSchema, type EditorContext, type EditorLimits } from '../../protocol/editor-context.js'
import type { ChatMessage, Sampling } from '../../llm/client.js'

export interface CompletionRequestLimits {
  /** Characters one message may have at most (CHAT_MAX_CONTENT_CHARS). */
  maxContentChars: number
  /** How many earlier user/assistant messages are sent to the model at most (HISTORY_MAX_TURNS). */
  maxHistory: number
  /** Bounds of the `editor` extension (EDITOR_MAX_*). */
  editor?: EditorLimits
}

export interface CompletionRequest {
  model: string
  question: string
  /** Earlier messages, oldest first: client system messages kept, the rest trimmed to the history window. */
  history: ChatMessage[]
  sampling: Sampling
  stream: boolean
  includeUsage: boolean
  /** The `editor` extension: the editor state, as the Playground sends it (docs/ai-sdk.md). */
  editor: EditorContext | undefined
  /** Extension: answer on the caller's own stored key; `model` then names one of BYOK_MODELS. */
  useCustomKey: boolean
}

export type ParsedRequest = { ok: true; request: CompletionRequest } | { ok: false; error: string; param?: string }

const TextPart = z.object({ type: z.literal('text', { error: 'must be "text": this model reads text only' }), text: z.string({ error: 'must be a string' }) })

const Message = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant'], {
    error: 'must be system, developer, user or assistant (this model calls no tools)',
  }),
  content: z.union([z.string(), z.array(TextPart)], { error: 'must be a string or an array of text parts' }),
})

const nullable = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined)

// Fields a client may send that this service does not honour (tools, stop, logprobs...) are ignored: zod strips them.
const Body = z.object({
  model: z.string({ error: 'is required: use the id GET /v1/models lists' }).min(1, { message: 'must not be empty' }),
  messages: z.array(Message, { error: 'must be an array of {role, content} messages' }).min(1, { message: 'must hold at least one message' }),
  stream: nullable(z.boolean({ error: 'must be true or false' })),
  stream_options: nullable(z.object({ include_usage: nullable(z.boolean({ error: 'must be true or false' })) }, { error: 'must be an object' })),
  temperature: nullable(z.number({ error: 'must be a number' }).min(0, { message: 'must be at least 0' }).max(2, { message: 'must be at most 2' })),
  max_tokens: nullable(z.number({ error: 'must be a number' }).int({ message: 'must be a whole number' }).min(1, { message: 'must be at least 1' })),
  max_completion_tokens: nullable(z.number({ error: 'must be a number' }).int({ message: 'must be a whole number' }).min(1, { message: 'must be at least 1' })),
  n: nullable(z.literal(1, { error: 'must be 1: this service returns one choice' })),
  // An extension (OpenAI's own `metadata` is something else): send it with extra_body in the Python SDK.
  editor: z.unknown().optional(),
  use_custom_key: nullable(z.boolean({ error: 'must be true or false' })),
})

/** The editor schema of each set of bounds, built once. */
const editorSchemas = new Map<string, ReturnType<typeof editorContextSchema>>()
function editorSchemaFor(limits: EditorLimits) {
  const key = `${limits.maxCodeChars}:${limits.maxOutputChars}`
  let schema = editorSchemas.get(key)
  if (!schema) editorSchemas.set(key, (schema = editorContextSchema(limits)))
  return schema
}

const textOf = (content: string | { text: string }[]) => (typeof content === 'string' ? content : content.map((p) => p.text).join(''))

export function parseCompletionRequest(body: unknown, limits: CompletionRequestLimits): ParsedRequest {
  const parsed = Body.safeParse(body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const param = issue.path.join('.')
    return { ok: false, error: param ? `${param} ${issue.message}` : `The body ${issue.message}`, ...(param ? { param } : {}) }
  }
  const data = parsed.data
  const editor = data.editor === undefined ? undefined : editorSchemaFor(limits.editor ?? DEFAULT_EDITOR_LIMITS).safeParse(data.editor)
  if (editor && !editor.success) {
    const issue = editor.error.issues[0]!
    const param = ['editor', ...issue.path].join('.')
    return { ok: false, param, error: `${param} ${issue.message}` }
  }
  const messages: ChatMessage[] = data.messages.map((m) => ({ role: m.role === 'developer' ? 'system' : m.role, content: textOf(m.content) }))
  const tooLong = messages.findIndex((m) => m.content.length > limits.maxContentChars)
  if (tooLong >= 0) {
    return { ok: false, param: `messages.${tooLong}.content`, error: `messages.${tooLong}.content must be at most ${limits.maxContentChars} characters` }
  }
  const last = messages.at(-1)!
  if (last.role !== 'user' || last.content.trim() === '') {
    return { ok: false, param: 'messages', error: 'The last message must be a non-empty user message: it is the question to answer' }
  }
  const maxTokens = data.max_completion_tokens ?? data.max_tokens
  return {
    ok: true,
    request: {
      model: data.model,
      question: last.content,
      history: window(messages.slice(0, -1), limits.maxHistory),
      sampling: { ...(maxTokens !== undefined ? { maxTokens } : {}), ...(data.temperature !== undefined ? { temperature: data.temperature } : {}) },
      stream: data.stream ?? false,
      includeUsage: data.stream_options?.include_usage ?? false,
      editor: editor?.data,
      useCustomKey: data.use_custom_key ?? false,
    },
  }
}

/** The same history window as stored conversations: the last `max` user/assistant messages; system messages stay. */
function window(history: ChatMessage[], max: number): ChatMessage[] {
  let keep = max
  const kept: ChatMessage[] = []
  for (let i = history.length - 1; i >= 0; i--) {
    const message = history[i]!
    if (message.role === 'system') kept.push(message)
    else if (keep > 0) {
      kept.push(message)
      keep--
    }
  }
  return kept.reverse()
}
