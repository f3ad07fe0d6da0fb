/**
 * The answers a client asked for: the `chat` sent once (again only when the server never got it), resumed after
 * a reconnect, cancelled by an AbortSignal, and settled exactly once with their text or an error.
 */
import { applyFrame, newAnswerState, type AnswerState, type AskEvent } from './answer-stream.js'
import { createEventQueue, type EventQueue } from './event-queue.js'
import type { ClientFrame, EditorState, ServerFrame } from './protocol.js'
import type { GiveUpCode } from './reconnect-policy.js'

export interface AskOptions {
  conversationId?: string
  /** Aborting sends `cancel`: the answer ends with `complete`, finishReason `cancelled`. */
  signal?: AbortSignal
  /** The editor state (mode, language, cursor line, file, run output): sent as the `chat` frame's `metadata`. */
  metadata?: EditorState
}

export interface Ask extends AsyncIterable<AskEvent> {
  readonly messageId: string
  /** The whole answer's text; rejects with an AskError when the answer ends in an error. */
  readonly text: Promise<string>
}

export class AskError extends Error {
  override name = 'AskError'
  constructor(
    readonly code: string,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message)
  }
}

/** What the asks need of the socket under them. */
export interface AskPort {
  isOpen(): boolean
  send(frame: ClientFrame): void
  ensureConnected(): void
}

export interface Asks {
  ask(question: string, options?: AskOptions): Ask
  /** Takes a frame about one of these answers; false when it is about none of them. */
  onFrame(frame: ServerFrame): boolean
  /** On (re)open: ask what was never sent, resume what was. */
  restore(): void
  /** Ends every answer in flight with this error. */
  endAll(code: GiveUpCode, error: string): void
}

/** A resume may reach the server before the old socket's `chat` was handled: retry the pair a few times. */
const MAX_REASKS = 5

interface PendingAsk {
  question: string
  metadata: EditorState | undefined
  state: AnswerState
  /** Whether a `chat` went out on some socket (so the server may know the answer). */
  sent: boolean
  /** How often `chat` was sent again after the server did not know the answer. */
  reasks: number
  cancelRequested: boolean
  queue: EventQueue<AskEvent>
  settle(event: AskEvent): void
}

function randomId(): string {
  const bytes = new Uint8Array(16)
  globalThis.crypto.getRandomValues(bytes)
  return `m-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`
}

export function createAsks(port: AskPort): Asks {
  const asks = new Map<string, PendingAsk>()

  function sendChat(ask: PendingAsk) {
    const conversationId = ask.state.conversationId
    const metadata = ask.metadata
    port.send({ type: 'chat', content: ask.question, messageId: ask.state.messageId, ...(conversationId ? { conversationId } : {}), ...(metadata ? { metadata } : {}) })
    ask.sent = true
  }

  /** The error frames that are a step of the re-ask rules rather than the answer's end; true when handled. */
  function reask(ask: PendingAsk, frame: ServerFrame): boolean {
    if (frame.type !== 'error') return false
    // The server does not know this answer: the chat never reached it, so asking again asks upstream once.
    if (frame.code === 'resume_unavailable' && !ask.state.started && ask.reasks < MAX_REASKS) {
      ask.reasks++
      sendChat(ask)
      return true
    }
    // The re-sent chat met the first one, which did arrive after all: follow that one.
    if (frame.code === 'invalid_message' && ask.reasks > 0 && /already used/.test(frame.error ?? '')) {
      port.send({ type: 'resume', messageId: ask.state.messageId, lastSeq: ask.state.lastSeq })
      return true
    }
    // Refused because the server drains: ask again on the next socket (the server closes with 1012).
    if (frame.code === 'shutting_down') {
      ask.sent = false
      return true
    }
    return false
  }

  function onFrame(frame: ServerFrame): boolean {
    const ask = frame.messageId ? asks.get(frame.messageId) : undefined
    if (!ask) return false
    if (reask(ask, frame)) return true
    const step = applyFrame(ask.state, frame)
    if (step.resumeFrom !== undefined) port.send({ type: 'resume', messageId: ask.state.messageId, lastSeq: step.resumeFrom })
    for (const event of step.events) {
      if (event.type === 'complete' || event.type === 'error') ask.settle(event)
      else ask.queue.push(event)
    }
    return true
  }

  function ask(question: string, options: AskOptions = {}): Ask {
    const messageId = randomId()
    const queue = createEventQueue<AskEvent>()
    let resolveText!: (text: string) => void
    let rejectText!: (error: AskError) => void
    const text = new Promise<string>((resolve, reject) => {
      resolveText = resolve
      rejectText = reject
    })
    // A caller that only iterates must not get an unhandled rejection.
    text.catch(() => {})
    const pending: PendingAsk = {
      question,
      metadata: options.metadata,
      state: newAnswerState(messageId, options.conversationId),
      sent: false,
      reasks: 0,
      cancelRequested: false,
      queue,
      settle(event) {
        if (queue.ended) return
        pending.state.finished = true
        asks.delete(messageId)
        options.signal?.removeEventListener('abort', onAbort)
        queue.push(event)
        queue.end()
        if (event.type === 'complete') resolveText(event.text)
        else if (event.type === 'error') rejectText(new AskError(event.code, event.error, event.retryAfter))
      },
    }
    function onAbort() {
      if (pending.state.finished) return
      pending.cancelRequested = true
      if (pending.sent) port.send({ type: 'cancel', messageId })
      else pending.settle({ type: 'error', code: 'connection_closed', error: 'Aborted before the question was sent' })
    }
    asks.set(messageId, pending)
    if (options.signal?.aborted) onAbort()
    else {
      options.signal?.addEventListener('abort', onAbort, { once: true })
      if (port.isOpen()) sendChat(pending)
      else port.ensureConnected()
    }
    return { messageId, text, [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator]() }
  }

  return {
    ask,
    onFrame,
    restore() {
      for (const ask of asks.values()) {
        if (!ask.sent) {
          sendChat(ask)
          continue
        }
        port.send({ type: 'resume', messageId: ask.state.messageId, lastSeq: ask.state.lastSeq })
        ask.queue.push({ type: 'resumed', lastSeq: ask.state.lastSeq })
        if (ask.cancelRequested) port.send({ type: 'cancel', messageId: ask.state.messageId })
      }
    },
    endAll(code, error) {
      for (const ask of [...asks.values()]) ask.settle({ type: 'error', code, error })
    },
  }
}
