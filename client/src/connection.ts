/**
 * The client: asks and conversation follows over one kept-alive socket (link.ts: heartbeat, reconnect with
 * capped backoff and jitter, token refresh on 4001), with exactly-once resume of every answer after a drop.
 */
import { createAsks, type Ask, type AskOptions, type AskPort } from './asks.js'
import { conversationsApi, type ConversationsApi } from './conversations-api.js'
import { createFollows, type Subscription } from './follows.js'
import { createLink, type ConnectionEvent, type WebSocketConstructor } from './link.js'
import type { LinkState } from './link-state.js'
import { DEFAULT_RECONNECT, type ReconnectSettings } from './reconnect-policy.js'

export { AskError, type Ask, type AskOptions } from './asks.js'
export type { Subscription } from './follows.js'
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

function httpBaseOf(socketUrl: string): string {
  const url = new URL(socketUrl)
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:'
  return url.origin
}

export function connect(options: ConnectOptions): Client {
  const found = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket
  if (!found) throw new Error('No WebSocket implementation: pass { WebSocket } (e.g. the ws package) on Node < 22')
  const listeners = new Set<(event: ConnectionEvent) => void>()
  const emit = (event: ConnectionEvent) => listeners.forEach((l) => l(event))
  // The asks and follows reach the socket through this port; the link is made next and opens at once.
  const port: AskPort = {
    isOpen: () => link.isOpen(),
    send: (frame) => link.send(frame),
    ensureConnected: () => link.ensureConnected(),
  }
  const asks = createAsks(port)
  const follows = createFollows(port)
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
    onOpen() {
      asks.restore()
      follows.restore()
    },
    onFrame(frame) {
      if (asks.onFrame(frame) || follows.onFrame(frame)) return
      if (frame.type === 'error' && !frame.messageId) emit({ type: 'error', code: frame.code ?? 'internal_error', error: frame.error ?? '' })
    },
    onGiveUp(code, error) {
      asks.endAll(code, error)
      follows.endAll()
    },
  })

  return {
    ask: (question, askOptions) => asks.ask(question, askOptions),
    subscribe: (conversationId) => follows.subscribe(conversationId),
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
      asks.endAll('connection_closed', 'The client was closed')
      follows.endAll()
    },
  }
}
