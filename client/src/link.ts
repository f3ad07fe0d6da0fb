/**
 * The socket under a client: one WebSocket at a time, its heartbeat, and the reconnect state machine around it
 * (states in link-state.ts, the close-code policy in reconnect-policy.ts). What travels over it is connection.ts's.
 */
import { canMove, isIdle, type LinkState } from './link-state.js'
import { CloseCode, type ClientFrame, type ServerFrame } from './protocol.js'
import { afterClose, type GiveUpCode, type ReconnectSettings } from './reconnect-policy.js'

/** Any constructor shaped like the browser's WebSocket: the global one (browsers, Node >= 22) or the `ws` package. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => unknown

/** The part of a WebSocket this client uses (the browser API, which `ws` implements too). */
export interface SocketLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onclose: ((event: { code: number; reason: string }) => void) | null
  onerror: ((event: unknown) => void) | null
}

export type ConnectionEvent =
  | { type: 'open'; reconnected: boolean }
  | { type: 'closed'; code: number; reason: string }
  | { type: 'reconnecting'; attempt: number; delayMs: number; code: number }
  /** Given up for good (1008 flood, 1009 frame too large, 4001 without getToken, maxAttempts): no retry. */
  | { type: 'failed'; code: number; error: string }
  /** An error frame about no answer (e.g. a dropped message over the rate limit). */
  | { type: 'error'; code: string; error: string }

/** Why ready() rejected: the client was closed, or it gave up connecting. */
export class ConnectionError extends Error {
  override name = 'ConnectionError'
  constructor(
    readonly code: GiveUpCode,
    message: string,
    /** The close code that ended it; absent when close() was called. */
    readonly closeCode?: number,
  ) {
    super(message)
  }
}

export interface LinkOptions {
  url: string
  token: string | undefined
  getToken: (() => string | Promise<string>) | undefined
  Socket: WebSocketConstructor
  heartbeatIntervalMs: number
  heartbeatTimeoutMs: number
  reconnect: ReconnectSettings
  random: () => number
  emit(event: ConnectionEvent): void
  /** A socket opened: send again what was in flight. */
  onOpen(): void
  onFrame(frame: ServerFrame): void
  /** The link gave up for good: end what is in flight with this error. */
  onGiveUp(code: GiveUpCode, error: string): void
}

export interface Link {
  readonly state: LinkState
  readonly token: string | undefined
  isOpen(): boolean
  send(frame: ClientFrame): void
  /** Opens a socket when none is open or coming (after a give-up or close()). */
  ensureConnected(): void
  /** Resolves when a socket is open; rejects with a ConnectionError on close() or a give-up. */
  ready(): Promise<void>
  close(): void
}

const OPEN = 1

interface Waiter {
  resolve(): void
  reject(error: ConnectionError): void
}

export function createLink(options: LinkOptions): Link {
  // 'closed' until the first open(): no socket and nothing scheduled, like after close().
  let state: LinkState = 'closed'
  let token = options.token
  let socket: SocketLike | undefined
  let everOpened = false
  let attempt = 0
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  let pingTimer: ReturnType<typeof setInterval> | undefined
  let deadlineTimer: ReturnType<typeof setTimeout> | undefined
  let waiters: Waiter[] = []

  function move(to: LinkState) {
    if (!canMove(state, to)) throw new Error(`client bug: no move from ${state} to ${to}`)
    state = to
  }

  const isOpen = () => state === 'open' && socket !== undefined && socket.readyState === OPEN

  function open() {
    retryTimer = undefined
    move('connecting')
    const ws = new options.Socket(options.url, token ? ['bearer', token] : undefined) as SocketLike
    socket = ws
    let opened = false
    ws.onopen = function onOpen() {
      opened = true
      attempt = 0
      const reconnected = everOpened
      everOpened = true
      move('open')
      startHeartbeat()
      options.onOpen()
      options.emit({ type: 'open', reconnected })
      for (const waiter of waiters.splice(0)) waiter.resolve()
    }
    ws.onmessage = function onMessage(event) {
      clearTimeout(deadlineTimer)
      deadlineTimer = undefined
      if (typeof event.data !== 'string') return
      let frame: ServerFrame
      try {
        frame = JSON.parse(event.data) as ServerFrame
      } catch {
        return
      }
      options.onFrame(frame)
    }
    ws.onerror = () => {}
    ws.onclose = function onClose(event) {
      if (socket === ws) dropped(event.code, event.reason, opened)
    }
  }

  /** Detaches the current socket and closes it if it is still open (a silent peer, or close()). */
  function detach(code: number, reason: string) {
    const ws = socket
    socket = undefined
    stopHeartbeat()
    if (!ws) return
    ws.onopen = ws.onmessage = ws.onclose = null
    if (ws.readyState > OPEN) return
    try {
      ws.close(code, reason)
    } catch {
      // Already closing: nothing to do.
    }
  }

  /** Gives up on the current socket (closed, or silent past the heartbeat) and asks the policy what comes next. */
  function dropped(code: number, reason: string, opened: boolean) {
    detach(CloseCode.abandoned, 'abandoned')
    options.emit({ type: 'closed', code, reason })
    const decision = afterClose({ code, opened, attempt, canRefreshToken: options.getToken !== undefined }, options.reconnect, options.random)
    if (decision.action === 'give_up') return giveUp(code, decision.code, decision.error)
    if (!decision.refreshToken) return schedule(decision.delayMs, code)
    move('refreshing')
    Promise.resolve()
      .then(() => options.getToken!())
      .then(
        (fresh) => {
          if (state !== 'refreshing') return // close() came first
          token = fresh
          schedule(decision.delayMs, code)
        },
        (err: unknown) => {
          if (state !== 'refreshing') return
          giveUp(code, 'unauthorized', `getToken failed: ${err instanceof Error ? err.message : String(err)}`)
        },
      )
  }

  function schedule(delayMs: number, code: number) {
    move('waiting')
    attempt++
    options.emit({ type: 'reconnecting', attempt, delayMs, code })
    retryTimer = setTimeout(open, delayMs)
  }

  function giveUp(closeCode: number, code: GiveUpCode, error: string) {
    move('failed')
    attempt = 0
    options.emit({ type: 'failed', code: closeCode, error })
    options.onGiveUp(code, error)
    rejectWaiters(new ConnectionError(code, error, closeCode))
  }

  function rejectWaiters(error: ConnectionError) {
    for (const waiter of waiters.splice(0)) waiter.reject(error)
  }

  function startHeartbeat() {
    pingTimer = setInterval(function ping() {
      send({ type: 'ping' })
      // Any frame counts as alive; a silent peer (half-open TCP) is given up and the answers resume elsewhere.
      deadlineTimer ??= setTimeout(() => dropped(1006, 'heartbeat timeout', true), options.heartbeatTimeoutMs)
    }, options.heartbeatIntervalMs)
  }

  function stopHeartbeat() {
    clearInterval(pingTimer)
    clearTimeout(deadlineTimer)
    pingTimer = deadlineTimer = undefined
  }

  function send(frame: ClientFrame) {
    if (isOpen()) socket!.send(JSON.stringify(frame))
  }

  open()
  return {
    get state() {
      return state
    },
    get token() {
      return token
    },
    isOpen,
    send,
    ensureConnected() {
      if (isIdle(state)) open()
    },
    ready() {
      if (isOpen()) return Promise.resolve()
      if (isIdle(state)) open()
      return new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }))
    },
    close() {
      clearTimeout(retryTimer)
      retryTimer = undefined
      detach(CloseCode.normal, 'closed by the client')
      move('closed')
      rejectWaiters(new ConnectionError('connection_closed', 'The client was closed before the connection opened'))
      waiters = []
    },
  }
}
