/** The AI SDK chat body (`useChat` + `DefaultChatTransport`) -> the question, the client's history and the editor state. */
import { z } from 'zod'
import type { ChatMessage } from '../../llm/client.js'
import { editorContextSchema, type EditorContext, type EditorLimits } from '../../protocol/editor-context.js'
import { IdSchema } from '../../protocol/frames.js'

export interface AiSdkRequestLimits extends EditorLimits {
  /** Characters of the question (the last message's text) at most: CHAT_MAX_CONTENT_CHARS. */
  maxContentChars: number
  /** Messages a body may carry (AI_SDK_MAX_MESSAGES). */
  maxMessages: number
  /** Parts one message may carry (AI_SDK_MAX_PARTS). */
  maxParts: number
  /** Earlier user/assistant messages the model sees at most (HISTORY_MAX_TURNS). */
  maxHistory: number
}

export interface AiSdkChatRequest {
  /** The chat id: this server's conversation id. */
  chatId: string
  trigger: 'submit-message' | 'regenerate-message'
  /** With `regenerate-message`, the assistant message being replaced. */
  messageId: string | undefined
  /** The id of the last (user) message. */
  userMessageId: string
  question: string
  /** Earlier user/assistant messages' text, oldest first, the last `maxHistory` of them. */
  history: ChatMessage[]
  editor: EditorContext
}

export type ParsedAiSdkRequest = { ok: true; request: AiSdkChatRequest } | { ok: false; field: string; error: string }

/**
 * Part types are open-ended (`tool-<name>`, `data-<name>`, and what later SDK versions add): any lowercase
 * type word with an optional suffix is accepted, so a frontend that sends back what it received never fails.
 */
const PART_TYPE = /^[a-z][a-z0-9]*(?:-[A-Za-z0-9_.:$-]{1,120})?$/
/** Characters of one earlier message's text: a long answer fits, a pasted log does not grow the prompt without end. */
const MAX_HISTORY_MESSAGE_CHARS = 64_000

const Part = z.looseObject(
  {
    type: z
    .string({ error: 'must be a string naming the part type (text, reasoning, file, step-start, source-url, tool-<name>, data-<name>...)' })
      .regex(PART_TYPE, { message: 'must be a part type such as text, step-start, tool-<name> or data-<name>' }),
  },
  { error: 'must be an object with a type, like {"type":"text","text":"..."}' },
)

const Role = z.enum(['system', 'user', 'assistant'], { error: 'must be user, assistant or system' })

/**
 * The envelope only: parts and metadata are checked after, so an error can name the exact message and part.
 * Exported for the OpenAPI document. Other fields (`userId`, `model`, `useCustomKey`, a `useChat` `body`) are ignored:
 * the user comes from the credential or the gateway, never from the body; `useCustomKey` and `model` are read from
 * the last message's metadata (the editor state), where the Playground sends them.
 */
export function aiSdkBodySchema(limits: Pick<AiSdkRequestLimits, 'maxMessages' | 'maxParts'>) {
  const message = z.object(
    {
      id: IdSchema,
      role: Role,
      parts: z.array(Part, { error: 'must be an array of parts' }).max(limits.maxParts, { message: `must hold at most ${limits.maxParts} parts` }),
      metadata: z.unknown().optional().meta({ description: 'On the last message (a user message) the editor state, EditorContext; required there' }),
    },
    { error: 'must be an object {id, role, parts}' },
  )
  return z
    .object({
      id: IdSchema.meta({ description: 'The chat id: this server keeps the conversation under it' }),
      messages: z
        .array(message, { error: 'must be an array of UI messages' })
        .min(1, { message: 'must hold at least one message' })
        .max(limits.maxMessages, { message: `must hold at most ${limits.maxMessages} messages; start a new chat` }),
      trigger: z.enum(['submit-message', 'regenerate-message'], { error: 'must be submit-message or regenerate-message' }),
      messageId: IdSchema.optional(),
    })
    .meta({ description: 'The AI SDK chat body (useChat with DefaultChatTransport); answered with a UI message stream' })
}

/** Tells an AI SDK chat body from this server's own `{ content }` body (both arrive on the same path). */
export function isAiSdkBody(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && 'messages' in body && !('content' in body)
}

/** The schemas of one set of limits, built once (a server has one set; tests a few). */
const compiled = new WeakMap<AiSdkRequestLimits, { body: ReturnType<typeof aiSdkBodySchema>; editor: ReturnType<typeof editorContextSchema> }>()

function schemasFor(limits: AiSdkRequestLimits) {
  let schemas = compiled.get(limits)
  if (!schemas) compiled.set(limits, (schemas = { body: aiSdkBodySchema(limits), editor: editorContextSchema(limits) }))
  return schemas
}

export function parseAiSdkRequest(body: unknown, limits: AiSdkRequestLimits): ParsedAiSdkRequest {
  const schemas = schemasFor(limits)
  const envelope = schemas.body.safeParse(body)
  if (!envelope.success) {
    const issue = envelope.error.issues[0]!
    const field = issue.path.join('.') || 'body'
    return { ok: false, field, error: `${field} ${issue.message}` }
  }
  const { id, messages, trigger, messageId } = envelope.data
  const texts: string[] = []
  for (const [m, message] of messages.entries()) {
    const text = textOf(message.parts, m)
    if (typeof text !== 'string') return text
    const max = m === messages.length - 1 ? limits.maxContentChars : MAX_HISTORY_MESSAGE_CHARS
    if (text.length > max) return refuse(`messages.${m}.parts`, `must hold at most ${max} characters of text`)
    texts.push(text)
  }
  const last = messages.length - 1
  const question = messages[last]!
  if (question.role !== 'user') return refuse(`messages.${last}.role`, 'must be user: the last message is the question to answer')
  if (texts[last]!.trim() === '') return refuse(`messages.${last}.parts`, 'must hold a text part with the question')
  if (question.metadata === undefined) {
    return refuse(`messages.${last}.metadata`, 'is required: send the editor state {type, language, currentLine, code, output} as the message metadata')
  }
  const editor = schemas.editor.safeParse(question.metadata)
  if (!editor.success) {
    const issue = editor.error.issues[0]!
    const field = [`messages.${last}.metadata`, ...issue.path].join('.')
    return refuse(field, issue.message)
  }
  const history = window(
    messages.slice(0, last).flatMap((message, i): ChatMessage[] =>
      // A browser's system message is not the operator's: the server's system prompt is the only one the model gets.
      message.role === 'system' || texts[i]!.trim() === '' ? [] : [{ role: message.role, content: texts[i]! }],
    ),
    limits.maxHistory,
  )
  return { ok: true, request: { chatId: id, trigger, messageId, userMessageId: question.id, question: texts[last]!, history, editor: editor.data } }
}

/** The text of a message's text parts (the only ones the model reads), or the refusal naming a bad part. */
function textOf(parts: z.infer<typeof Part>[], m: number): string | { ok: false; field: string; error: string } {
  const texts: string[] = []
  for (const [p, part] of parts.entries()) {
    if (part.type !== 'text') continue
    if (typeof part.text !== 'string') return refuse(`messages.${m}.parts.${p}.text`, 'must be a string')
    texts.push(part.text)
  }
  return texts.join('\n')
}

const refuse = (field: string, message: string) => ({ ok: false as const, field, error: `${field} ${message}` })

/** The last `max` messages: the same window as a stored conversation's history. */
const window = (history: ChatMessage[], max: number) => (max === 0 ? [] : history.slice(-max))
