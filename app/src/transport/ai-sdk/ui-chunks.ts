/** This server's frames -> AI SDK UI message stream chunks (the fourth encoder of an answer's frames). */
import type { CodeCheck, CompleteMetadata, ServerFrame, Source } from '../../protocol/frames.js'

/** The header `DefaultChatTransport` and `useChat` expect on a UI message stream. */
export const UI_MESSAGE_STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
  'x-vercel-ai-ui-message-stream': 'v1',
} as const

/** The chunks this encoder writes: a subset of the `ai` package's `UIMessageChunk`, spelt as its schema wants. */
export type UiChunk =
  | { type: 'start'; messageId: string; messageMetadata: StartMetadata }
  | { type: 'start-step' }
  | { type: 'text-start'; id: string }
  | { type: 'text-delta'; id: string; delta: string }
  | { type: 'text-end'; id: string }
  | { type: 'tool-input-available'; toolCallId: string; toolName: string; input: unknown }
  | { type: 'tool-output-available'; toolCallId: string; output: unknown }
  | { type: 'source-document'; sourceId: string; mediaType: string; title: string; filename?: string }
  | { type: 'message-metadata'; messageMetadata: FinishMetadata }
  /** The code checks of the editor's file and of the answer's code, as a `data-diagnostics` part of the message. */
  | { type: 'data-diagnostics'; id: string; data: DiagnosticsData }
  | { type: 'finish-step' }
  | { type: 'finish'; finishReason: UiFinishReason; messageMetadata: FinishMetadata }
  | { type: 'abort' }
  | { type: 'error'; errorText: string }

/** The finish reasons both the v5 and the current `ai` schema accept. */
export type UiFinishReason = 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'error' | 'other'

const FINISH_REASONS: Record<string, UiFinishReason> = { stop: 'stop', length: 'length', content_filter: 'content-filter', tool_calls: 'tool-calls' }

/** An upstream (OpenAI-style) finish reason in the AI SDK's spelling. */
export const uiFinishReason = (reason: string): UiFinishReason => FINISH_REASONS[reason] ?? 'other'

/** The data of the `data-diagnostics` part: lines of the editor's file (`editor`) and of the answer's code (`answer`). */
export interface DiagnosticsData {
  diagnostics: CodeCheck['diagnostics']
  patches: CodeCheck['patches']
  skipped?: string
  answer?: CodeCheck
}

export interface StartMetadata {
  conversationId: string
  model: string
}

/** What the frontend can read from the message's metadata once the answer ended. */
export type FinishMetadata = StartMetadata & Omit<CompleteMetadata, 'sources'>

/** Per-stream state: whether the text part is open. One encoder per response. */
export interface UiChunkEncoder {
  /** The chunks one frame becomes (none for frames the UI stream has no use for). */
  encode(frame: ServerFrame): UiChunk[]
  /** True once a terminal frame was encoded: the response ends with `[DONE]`. */
  readonly ended: boolean
}

/** The AI SDK needs one id per text part: an answer has one, and one more after each tool call. */
const textIdOf = (messageId: string, part: number) => (part === 0 ? `text-${messageId}` : `text-${messageId}-${part}`)

/**
 * A source of the knowledge base as a `source-document` part: guides are Markdown files of this server's
 * knowledge base, SDK reference entries are classes of the API index. Neither has a public URL.
 */
export function sourceChunk(source: Source): UiChunk {
  if (source.kind === 'guide') return { type: 'source-document', sourceId: `guide:${source.id}`, mediaType: 'text/markdown', title: source.title, filename: `${source.id}.md` }
  return { type: 'source-document', sourceId: `api:${source.id}`, mediaType: 'text/plain', title: source.title }
}

/** The checks of an answer as one `data-diagnostics` part (none when nothing was checked). */
function diagnosticsChunk(messageId: string, metadata: Omit<CompleteMetadata, 'sources'>): UiChunk[] {
  const { codeCheck, answerCheck } = metadata
  if (!codeCheck && !answerCheck) return []
  const data: DiagnosticsData = {
    diagnostics: codeCheck?.diagnostics ?? [],
    patches: codeCheck?.patches ?? [],
    ...(codeCheck?.skipped ? { skipped: codeCheck.skipped } : {}),
    ...(answerCheck ? { answer: answerCheck } : {}),
  }
  return [{ type: 'data-diagnostics', id: `diagnostics-${messageId}`, data }]
}

export function createUiChunkEncoder(): UiChunkEncoder {
  let textId: string | undefined
  let textParts = 0
  let model = ''
  let ended = false

  /** Closes the text part if a delta opened it. */
  function closeText(): UiChunk[] {
    if (textId === undefined) return []
    const id = textId
    textId = undefined
    return [{ type: 'text-end', id }]
  }

  function complete(frame: ServerFrame): UiChunk[] {
    const { sources, ...rest } = frame.metadata as CompleteMetadata
    const metadata: FinishMetadata = { conversationId: frame.conversationId ?? '', ...rest }
    const chunks: UiChunk[] = [...closeText(), ...(sources ?? []).map(sourceChunk), ...diagnosticsChunk(frame.messageId!, rest), { type: 'message-metadata', messageMetadata: metadata }, { type: 'finish-step' }]
    // A stopped answer ends the AI SDK way (abort); its text so far stays the message's text.
    chunks.push(rest.finishReason === 'cancelled' ? { type: 'abort' } : { type: 'finish', finishReason: uiFinishReason(rest.finishReason), messageMetadata: metadata })
    return chunks
  }

  return {
    get ended() {
      return ended
    },
    encode(frame) {
      if (ended) return []
      switch (frame.type) {
        case 'chat_start':
          model = frame.metadata?.model ?? ''
          return [
            { type: 'start', messageId: frame.messageId!, messageMetadata: { conversationId: frame.conversationId!, model } },
            { type: 'start-step' },
          ]
        case 'chat_delta': {
          const content = frame.content ?? ''
          if (content === '') return []
          const open: UiChunk[] = textId === undefined ? [{ type: 'text-start', id: (textId = textIdOf(frame.messageId!, textParts++)) }] : []
          return [...open, { type: 'text-delta', id: textId, delta: content }]
        }
        case 'chat_tool': {
          // A tool the server ran (proposeCode): its call and result end the step; the explanation is the next step.
          if (!frame.tool) return []
          const { toolCallId, toolName, input, output } = frame.tool
          return [
            ...closeText(),
            { type: 'tool-input-available', toolCallId, toolName, input },
            { type: 'tool-output-available', toolCallId, output },
            { type: 'finish-step' },
            { type: 'start-step' },
          ]
        }
        case 'chat_complete':
          ended = true
          return complete(frame)
        case 'error':
          // Only an answer's error ends it; the rest (none reach an answer's log today) say nothing to the UI.
          if (frame.messageId === undefined) return []
          ended = true
          return [...closeText(), { type: 'error', errorText: `${frame.error ?? 'The answer failed; try again'} (${frame.code ?? 'internal_error'})` }]
        default:
          return []
      }
    },
  }
}

const encoder = new TextEncoder()

/** One chunk as an SSE event: `data: <json>` and a blank line. */
export const sseChunk = (chunk: UiChunk): Uint8Array => encoder.encode(`data: ${JSON.stringify(chunk)}\n\n`)

/** The stream's last event. */
export const DONE = encoder.encode('data: [DONE]\n\n')
