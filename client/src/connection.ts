/**
 * One WebSocket to the assistant, kept alive: heartbeat, reconnect with capped backoff and jitter, token
 * refresh on 4001, and exactly-once resume of every answer in flight after a dropped connection.
 */
import { applyFrame, newAnswerState, type AnswerState, type AskEvent, type ClientErrorCode } from './answer-stream.js'
import { backoffDelay, type BackoffSettings } from './backoff.js'
import { conversationsApi, type ConversationsApi } from './conversations-api.js'
import { createEventQueue, type EventQueue } from './event-queue.js'
import type { ClientFrame, ErrorCode, ServerFrame } from './protocol.js'

/** Any constructor shaped like the browser's WebSocket: the global one (browsers, Node >= 22) or the `ws` package. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => unknown

/** The part of a WebSocket this client uses (the browser API, which `ws` implements too). */
interface SocketLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onclose: ((event: { code: number; reason: string }) => void) | null
  onerror: ((event: unknown) => void) | null
}

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
  reconnect?: Partial<BackoffSettings>
  /** For tests: the jitter's random source. */
  random?: () => number
}

export type ConnectionEvent =
  | { type: 'open'; reconnected: boolean }
  | { type: 'closed'; code: number; reason: string }
  | { type: 'reconnecting'; attempt: number; delayMs: number; code: number }
  /** The server refused for good (1008 flood, 1009 frame too large, 4001 without getToken): no retry. */
  | { type: 'failed'; code: number; error: string }
  /** An error frame about no answer (e.g. a dropped message over the rate limit). */
  | { type: 'error'; code: string; error: string }

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
  /** Resolves when the socket is open (now, or after the next reconnect). */
  ready(): Promise<void>
  /** REST helpers over the same credential. */
  readonly conversations: ConversationsApi
  close(): void
}

const OPEN = 1
const CLOSE_POLICY_VIOLATION = 1008
const CLOSE_TOO_LARGE = 1009
const CLOSE_SERVICE_RESTART = 1012
const CLOSE_CREDENTIAL_EXPIRED = 4001
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
  const Socket: WebSocketConstructor = found
  const backoff: BackoffSettings = { initialDelayMs: 250, maxDelayMs: 15_000, ...options.reconnect }
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 25_000
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? 10_000
  const random = options.random ?? Math.random
  let token = options.token
  const asks = new Map<string, PendingAsk>()
  const follows = new Map<string, ConversationFollow>()
  const listeners = new Set<(event: ConnectionEvent) => void>()
  let readyWaiters: (() => void)[] = []
  let socket: SocketLike | undefined
  let everOpened = false
  let attempt = 0
  let closedByUser = false
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let pingTimer: ReturnType<typeof setInterval> | undefined
  let deadlineTimer: ReturnType<typeof setTimeout> | undefined

  const emit = (event: ConnectionEvent) => listeners.forEach((l) => l(event))
  const isOpen = () => socket !== undefined && socket.readyState === OPEN
  const send = (frame: ClientFrame) => {
    if (isOpen()) socket!.send(JSON.stringify(frame))
  }

  function open() {
    if (socket || closedByUser) return
    clearTimeout(retryTimer)
    retryTimer = undefined
    const ws = new Socket(options.url, token ? ['bearer', token] : undefined) as SocketLike
    socket = ws
    let opened = false
    ws.onopen = () => {
      opened = true
      attempt = 0
      const reconnected = everOpened
      everOpened = true
      startHeartbeat()
      restore()
      emit({ type: 'open', reconnected })
      for (const resolve of readyWaiters.splice(0)) resolve()
    }
    ws.onmessage = (event) => {
      clearTimeout(deadlineTimer)
      deadlineTimer = undefined
      if (typeof event.data !== 'string') return
      let frame: ServerFrame
      try {
        frame = JSON.parse(event.data) as ServerFrame
      } catch {
        return
      }
      route(frame)
    }
    ws.onerror = () => {}
    ws.onclose = (event) => {
      if (socket !== ws) return
      dropped(event.code, event.reason, opened)
    }
  }

  /** Gives up on the current socket (closed, or silent past the heartbeat) and decides what comes next. */
  function dropped(code: number, reason: string, opened: boolean) {
    const ws = socket
    socket = undefined
    stopHeartbeat()
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = null
      if (ws.readyState <= OPEN) {
        try {
          ws.close(4000, 'abandoned')
        } catch {
          // Already closing: nothing to do.
        }
      }
    }
    emit({ type: 'closed', code, reason })
    if (closedByUser) return
    if (code === CLOSE_POLICY_VIOLATION || code === CLOSE_TOO_LARGE) {
      const error =
        code === CLOSE_TOO_LARGE
          ? 'The server closed the connection because a message was too large; send a shorter question'
          : 'The server closed the connection because too many messages were sent; slow down'
      return fail(code, code === CLOSE_TOO_LARGE ? 'payload_too_large' : 'policy_violation', error)
    }
    if (code === CLOSE_CREDENTIAL_EXPIRED || (!opened && options.getToken && attempt > 0)) {
      if (!options.getToken) {
        return fail(code, 'unauthorized', 'The credential expired and no getToken callback was given; connect again with a fresh token')
      }
      return void refreshToken().then(
        () => schedule(code === CLOSE_CREDENTIAL_EXPIRED ? 0 : backoffDelay(attempt, backoff, random), code),
        (err: unknown) => fail(code, 'unauthorized', `getToken failed: ${err instanceof Error ? err.message : String(err)}`),
      )
    }
    // 1012: the server is restarting and others take over: reconnect at once.
    schedule(code === CLOSE_SERVICE_RESTART ? 0 : backoffDelay(attempt, backoff, random), code)
  }

  async function refreshToken() {
    token = await options.getToken!()
  }

  function schedule(delayMs: number, code: number) {
    if (closedByUser) return
    attempt++
    emit({ type: 'reconnecting', attempt, delayMs, code })
    clearTimeout(retryTimer)
    retryTimer = setTimeout(open, delayMs)
  }

  /** Ends every answer and subscription with an error; the next ask() or subscribe() connects again. */
  function fail(closeCode: number, code: Extract<ErrorCode | ClientErrorCode, 'payload_too_large' | 'policy_violation' | 'unauthorized'>, error: string) {
    emit({ type: 'failed', code: closeCode, error })
    for (const ask of [...asks.values()]) ask.settle({ type: 'error', code, error })
    for (const [id, follow] of follows) {
      follow.queue.end()
      follows.delete(id)
    }
    attempt = 0
  }

  function startHeartbeat() {
    pingTimer = setInterval(() => {
      send({ type: 'ping' })
      // Any frame counts as alive; a silent peer (half-open TCP) is given up and the answers resume elsewhere.
      deadlineTimer ??= setTimeout(() => dropped(1006, 'heartbeat timeout', true), heartbeatTimeoutMs)
    }, heartbeatIntervalMs)
  }

  function stopHeartbeat() {
    clearInterval(pingTimer)
    clearTimeout(deadlineTimer)
    pingTimer = deadlineTimer = undefined
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

  function ensureConnected() {
    closedByUser = false
    if (!socket && retryTimer === undefined) open()
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
      if (isOpen()) sendChat(pending)
      else ensureConnected()
    }
    return { messageId, text, [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator]() }
  }

  function subscribe(conversationId: string): Subscription {
    let follow = follows.get(conversationId)
    if (!follow) {
      follow = { queue: createEventQueue<ServerFrame>(), answers: new Map() }
      follows.set(conversationId, follow)
      if (isOpen()) send({ type: 'subscribe', conversationId })
      else ensureConnected()
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

  open()
  return {
    ask,
    subscribe,
    on(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    ready() {
      if (isOpen()) return Promise.resolve()
      ensureConnected()
      return new Promise((resolve) => readyWaiters.push(resolve))
    },
    conversations: conversationsApi({
      baseUrl: options.httpUrl ?? httpBaseOf(options.url),
      getToken: async () => token,
    }),
    close() {
      closedByUser = true
      clearTimeout(retryTimer)
      retryTimer = undefined
      const ws = socket
      socket = undefined
      stopHeartbeat()
      if (ws) {
        ws.onopen = ws.onmessage = ws.onclose = null
        ws.close(1000, 'closed by the client')
      }
      for (const ask of [...asks.values()]) ask.settle({ type: 'error', code: 'connection_closed', error: 'The client was closed' })
      for (const follow of follows.values()) follow.queue.end()
      follows.clear()
      readyWaiters = []
    },
  }
}
