/** One answer's frames -> events, exactly once: replayed frames (seq already seen) are dropped, a gap asks for a resume. */
import type { CompleteMetadata, ErrorCode, ServerFrame, ToolEvent } from './protocol.js'

/** Codes the client itself reports (the connection was refused or ended for good); the rest are the server's. */
export type ClientErrorCode = 'policy_violation' | 'connection_closed'

export type AskEvent =
  | { type: 'start'; messageId: string; conversationId: string; model: string }
  | { type: 'delta'; seq: number; content: string }
  /** A tool the model called and the server ran (code review: changes placed on lines); numbered like deltas. */
  | { type: 'tool'; seq: number; tool: ToolEvent }
  /** The connection dropped and was re-established; the answer continues after delta `lastSeq`. */
  | { type: 'resumed'; lastSeq: number }
  | { type: 'complete'; messageId: string; conversationId: string; text: string; metadata: CompleteMetadata }
  | { type: 'error'; code: ErrorCode | ClientErrorCode; error: string; retryAfter?: number }

export interface AnswerState {
  messageId: string
  conversationId: string | undefined
  started: boolean
  /** The last delta seen, -1 before the first: what `resume` sends. */
  lastSeq: number
  text: string
  finished: boolean
}

export interface Step {
  events: AskEvent[]
  /** Set when a delta arrived past a gap: resume from here to get the missing ones. */
  resumeFrom?: number
}

export function newAnswerState(messageId: string, conversationId?: string): AnswerState {
  return { messageId, conversationId, started: false, lastSeq: -1, text: '', finished: false }
}

/** Applies one frame of this answer to its state; returns the events it yields (none for a replayed frame). */
export function applyFrame(state: AnswerState, frame: ServerFrame): Step {
  if (state.finished) return { events: [] }
  if (frame.conversationId) state.conversationId = frame.conversationId
  switch (frame.type) {
    case 'chat_start': {
      if (state.started) return { events: [] }
      state.started = true
      const model = frame.metadata?.model ?? ''
      return { events: [{ type: 'start', messageId: state.messageId, conversationId: state.conversationId ?? '', model }] }
    }
    case 'chat_delta': {
      const seq = frame.seq ?? -1
      if (seq <= state.lastSeq) return { events: [] }
      if (seq > state.lastSeq + 1) return { events: [], resumeFrom: state.lastSeq }
      state.started = true
      state.lastSeq = seq
      state.text += frame.content ?? ''
      return { events: [{ type: 'delta', seq, content: frame.content ?? '' }] }
    }
    case 'chat_tool': {
      const seq = frame.seq ?? -1
      if (seq <= state.lastSeq) return { events: [] }
      if (seq > state.lastSeq + 1) return { events: [], resumeFrom: state.lastSeq }
      state.lastSeq = seq
      return frame.tool ? { events: [{ type: 'tool', seq, tool: frame.tool }] } : { events: [] }
    }
    case 'chat_complete': {
      state.finished = true
      const metadata = frame.metadata as CompleteMetadata
      return { events: [{ type: 'complete', messageId: state.messageId, conversationId: state.conversationId ?? '', text: state.text, metadata }] }
    }
    case 'error': {
      state.finished = true
      const event: AskEvent = { type: 'error', code: frame.code ?? 'internal_error', error: frame.error ?? 'The answer failed' }
      if (frame.retryAfter !== undefined) event.retryAfter = frame.retryAfter
      return { events: [event] }
    }
    default:
      return { events: [] }
  }
}
