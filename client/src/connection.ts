/**
 * The client: asks and conversation follows over one kept-alive socket (link.ts: heartbeat, reconnect with
 * capped backoff and jitter, token refresh on 4001), with exactly-once resume of every answer after a drop.
 */
import { applyFrame, newAnswerState, type AnswerState, type AskEvent } from './answer-stream.js'
import { conversationsApi, type ConversationsApi } from './conversations-api.js'
import { createEventQueue, type EventQueue } from './event-queue.js'
import { createLink, type ConnectionEvent, type WebSocketConstructor } from './link.js'
import type { LinkState } from './link-state.js'
import type { ClientFrame, ServerFrame } from './protocol.js'
import { DEFAULT_RECONNECT, type GiveUpCode, type ReconnectSettings } from './reconnect-policy.js'

export type { ConnectionEvent, WebSocketConstructor } from './link.js'

export interface ConnectOptions {
  /** ws:// or wss:// URL of the chat socket, e.g. wss://assistant.example.com/ws/chat. */
  url: string
  /** Sent as the `bearer` subprotocol entry (`new WebSocket(url, ['bearer', token])`), never in the URL. */
  token?: string
  /** Called for a fresh token when the server closes with 4001 (credential expired) or refuses the handshake. */
  getToken?: () => string | Promise<string>
  /** Defaults to the global WebSocket. */
  WebSocket?: WebSocketConstructor
  /** Base URL of the REST endpoints; defaults to the socket URL's origin (ws -> http, wss -> https). */
  httpUrl?: string
  /** A ping this often; the socket is given up when nothing arrives within `heartbeatTimeoutMs` after it. */
  heartbeatIntervalMs?: number
  heartbeatTimeoutMs?: number
  /** Backoff delays, and how many reconnects in a row without an open socket before giving up (unlimited by default). */
  reconnect?: Partial<ReconnectSettings>
  /** For tests: the jitter's random source. */
  random?: () => number
}

export interface AskOptions {
  conversationId?: string
  /** Aborting sends `cancel`: the answer ends with `complete`, finishReason `cancelled`. */
  signal?: AbortSignal
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

export interface Subscription extends AsyncIterable<ServerFrame> {
  readonly conversationId: string
  unsubscribe(): void
}

export interface Client {
  ask(question: string, options?: AskOptions): Ask
  /** Frames of every answer in a conversation (other tabs and devices) and its `conversation_updated` events. */
  subscribe(conversationId: string): Subscription
  /** Listens to connection events; returns a function that stops listening. */
  on(listener: (event: ConnectionEvent) => void): () => void
  /** Resolves when the socket is open (now, or after the next reconnect); rejects with a ConnectionError on close() or a give-up. */
  ready(): Promise<void>
  /** Where the socket is: connecting, open, waiting (backoff), refreshing (getToken), failed or closed. */
  readonly state: LinkState
  /** REST helpers over the same credential. */
  readonly conversations: ConversationsApi
  close(): void
}

/** A resume may reach the server before the old socket's `chat` was handled: retry the pair a few times. */
const MAX_REASKS = 5

interface PendingAsk {
  question: string
  state: AnswerState
  /** Whether a `chat` went out on some socket (so the server may know the answer). */
  sent: boolean
  /** How often `chat` was sent again after the server did not know the answer. */
  reasks: number
  cancelRequested: boolean
  queue: EventQueue<AskEvent>
  settle(event: AskEvent): void
}

interface ConversationFollow {
  queue: EventQueue<ServerFrame>
  /** Answers seen through the subscription, to resume them too after a reconnect. */
  answers: Map<string, AnswerState>
}

function randomId(): string {
  const bytes = new Uint8Array(16)
  globalThis.crypto.getRandomValues(bytes)
  return `m-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`
}

function httpBaseOf(socketUrl: string): string {
  const url = new URL(socketUrl)
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:'
  return url.origin
}

export function connect(options: ConnectOptions): Client {
  const found = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket
  if (!found) throw new Error('No WebSocket implementation: pass { WebSocket } (e.g. the ws package) on Node < 22')
  const asks = new Map<string, PendingAsk>()
  const follows = new Map<string, ConversationFollow>()
  const listeners = new Set<(event: ConnectionEvent) => void>()
  const emit = (event: ConnectionEvent) => listeners.forEach((l) => l(event))
  const link = createLink({
    url: options.url,
    token: options.token,
    getToken: options.getToken,
    Socket: found,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 25_000,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 10_000,
    reconnect: { ...DEFAULT_RECONNECT, ...options.reconnect },
    random: options.random ?? Math.random,
    emit,
    onOpen: restore,
    onFrame: route,
    onGiveUp: endEverything,
  })
  const send = (frame: ClientFrame) => link.send(frame)

  /** Ends every answer and subscription with an error (the link gave up, or close()); the next ask() connects again. */
  function endEverything(code: GiveUpCode, error: string) {
    for (const ask of [...asks.values()]) ask.settle({ type: 'error', code, error })
    for (const follow of follows.values()) follow.queue.end()
    follows.clear()
  }

  /** On (re)open: ask what was never sent, resume what was, re-join conversations. */
  function restore() {
    for (const ask of asks.values()) {
      if (!ask.sent) sendChat(ask)
      else {
        send({ type: 'resume', messageId: ask.state.messageId, lastSeq: ask.state.lastSeq })
        ask.queue.push({ type: 'resumed', lastSeq: ask.state.lastSeq })
        if (ask.cancelRequested) send({ type: 'cancel', messageId: ask.state.messageId })
      }
    }
    for (const [conversationId, follow] of follows) {
      send({ type: 'subscribe', conversationId })
      for (const answer of follow.answers.values()) {
        if (!answer.finished) send({ type: 'resume', messageId: answer.messageId, lastSeq: answer.lastSeq })
      }
    }
  }

  function sendChat(ask: PendingAsk) {
    const conversationId = ask.state.conversationId
    send({ type: 'chat', content: ask.question, messageId: ask.state.messageId, ...(conversationId ? { conversationId } : {}) })
    ask.sent = true
  }

  function route(frame: ServerFrame) {
    const ask = frame.messageId ? asks.get(frame.messageId) : undefined
    if (ask) return onAskFrame(ask, frame)
    const follow = frame.conversationId ? follows.get(frame.conversationId) : undefined
    if (follow) return onFollowFrame(follow, frame)
    if (frame.type === 'error' && !frame.messageId) emit({ type: 'error', code: frame.code ?? 'internal_error', error: frame.error ?? '' })
  }

  function onAskFrame(ask: PendingAsk, frame: ServerFrame) {
    if (frame.type === 'error') {
      // The server does not know this answer: the chat never reached it, so asking again asks upstream once.
      if (frame.code === 'resume_unavailable' && !ask.state.started && ask.reasks < MAX_REASKS) {
        ask.reasks++
        return sendChat(ask)
      }
      // The re-sent chat met the first one, which did arrive after all: follow that one.
      if (frame.code === 'invalid_message' && ask.reasks > 0 && /already used/.test(frame.error ?? '')) {
        return send({ type: 'resume', messageId: ask.state.messageId, lastSeq: ask.state.lastSeq })
      }
      // Refused because the server drains: ask again on the next socket (the server closes with 1012).
      if (frame.code === 'shutting_down') {
        ask.sent = false
        return
      }
    }
    const step = applyFrame(ask.state, frame)
    if (step.resumeFrom !== undefined) send({ type: 'resume', messageId: ask.state.messageId, lastSeq: step.resumeFrom })
    for (const event of step.events) {
      if (event.type === 'complete' || event.type === 'error') ask.settle(event)
      else ask.queue.push(event)
    }
  }

  function onFollowFrame(follow: ConversationFollow, frame: ServerFrame) {
    if (!frame.messageId) return follow.queue.push(frame)
    let answer = follow.answers.get(frame.messageId)
    if (!answer) follow.answers.set(frame.messageId, (answer = newAnswerState(frame.messageId, frame.conversationId)))
    const step = applyFrame(answer, frame)
    if (step.resumeFrom !== undefined) send({ type: 'resume', messageId: answer.messageId, lastSeq: step.resumeFrom })
    if (step.events.length > 0) follow.queue.push(frame)
    if (answer.finished) follow.answers.delete(frame.messageId)
  }

  function ask(question: string, askOptions: AskOptions = {}): Ask {
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
      state: newAnswerState(messageId, askOptions.conversationId),
      sent: false,
      reasks: 0,
      cancelRequested: false,
      queue,
      settle(event) {
        if (queue.ended) return
        pending.state.finished = true
        asks.delete(messageId)
        askOptions.signal?.removeEventListener('abort', onAbort)
        queue.push(event)
        queue.end()
        if (event.type === 'complete') resolveText(event.text)
        else if (event.type === 'error') rejectText(new AskError(event.code, event.error, event.retryAfter))
      },
    }
    function onAbort() {
      if (pending.state.finished) return
      pending.cancelRequested = true
      if (pending.sent) send({ type: 'cancel', messageId })
      else pending.settle({ type: 'error', code: 'connection_closed', error: 'Aborted before the question was sent' })
    }
    asks.set(messageId, pending)
    if (askOptions.signal?.aborted) onAbort()
    else {
      askOptions.signal?.addEventListener('abort', onAbort, { once: true })
      if (link.isOpen()) sendChat(pending)
      else link.ensureConnected()
    }
    return { messageId, text, [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator]() }
  }

  function subscribe(conversationId: string): Subscription {
    let follow = follows.get(conversationId)
    if (!follow) {
      follow = { queue: createEventQueue<ServerFrame>(), answers: new Map() }
      follows.set(conversationId, follow)
      if (link.isOpen()) send({ type: 'subscribe', conversationId })
      else link.ensureConnected()
    }
    const queue = follow.queue
    return {
      conversationId,
      unsubscribe() {
        if (follows.get(conversationId)?.queue !== queue) return
        follows.delete(conversationId)
        send({ type: 'unsubscribe', conversationId })
        queue.end()
      },
      [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator](),
    }
  }

  return {
    ask,
    subscribe,
    on(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    ready: () => link.ready(),
    get state() {
      return link.state
    },
    conversations: conversationsApi({
      baseUrl: options.httpUrl ?? httpBaseOf(options.url),
      getToken: async () => link.token,
    }),
    close() {
      link.close()
      endEverything('connection_closed', 'The client was closed')
    },
  }
}
