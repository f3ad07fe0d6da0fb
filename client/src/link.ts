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

interface SocketEvents {
  open(): void
  /** Any message, parsed or not: the peer is alive. */
  heard(): void
  frame(frame: ServerFrame): void
  close(code: number, reason: string, opened: boolean): void
}

/** Opens one socket (the token as the `bearer` subprotocol entry) and turns its callbacks into SocketEvents. */
function openSocket(Socket: WebSocketConstructor, url: string, token: string | undefined, on: SocketEvents): SocketLike {
  const ws = new Socket(url, token ? ['bearer', token] : undefined) as SocketLike
  let opened = false
  ws.onopen = function onOpen() {
    opened = true
    on.open()
  }
  ws.onmessage = function onMessage(event) {
    on.heard()
    if (typeof event.data !== 'string') return
    let frame: ServerFrame
    try {
      frame = JSON.parse(event.data) as ServerFrame
    } catch {
      return
    }
    on.frame(frame)
  }
  ws.onerror = () => {}
  ws.onclose = (event) => on.close(event.code, event.reason, opened)
  return ws
}

interface Heartbeat {
  start(): void
  /** Something arrived: the peer is alive. */
  heard(): void
  stop(): void
}

/** A ping every intervalMs; when nothing arrives within timeoutMs after one, the peer is silent (half-open TCP). */
function createHeartbeat(intervalMs: number, timeoutMs: number, ping: () => void, silent: () => void): Heartbeat {
  let pingTimer: ReturnType<typeof setInterval> | undefined
  let deadlineTimer: ReturnType<typeof setTimeout> | undefined
  return {
    start() {
      pingTimer = setInterval(function beat() {
        ping()
        deadlineTimer ??= setTimeout(silent, timeoutMs)
      }, intervalMs)
    },
    heard() {
      clearTimeout(deadlineTimer)
      deadlineTimer = undefined
    },
    stop() {
      clearInterval(pingTimer)
      clearTimeout(deadlineTimer)
      pingTimer = deadlineTimer = undefined
    },
  }
}

/** Takes a socket's handlers off and closes it if it is still open (a silent peer, a new socket, or close()). */
function abandon(ws: SocketLike, code: number, reason: string) {
  ws.onopen = ws.onmessage = ws.onclose = null
  if (ws.readyState > OPEN) return
  try {
    ws.close(code, reason)
  } catch {
    // Already closing: nothing to do.
  }
}

/** The callers of ready() waiting for an open socket. */
function createWaiters() {
  let waiters: { resolve(): void; reject(error: ConnectionError): void }[] = []
  return {
    wait: () => new Promise<void>((resolve, reject) => waiters.push({ resolve, reject })),
    resolveAll: () => waiters.splice(0).forEach((waiter) => waiter.resolve()),
    rejectAll(error: ConnectionError) {
      const settled = waiters
      waiters = []
      settled.forEach((waiter) => waiter.reject(error))
    },
  }
}

export function createLink(options: LinkOptions): Link {
  // 'closed' until the first open(): no socket and nothing scheduled, like after close().
  let state: LinkState = 'closed'
  let token = options.token
  let socket: SocketLike | undefined
  let everOpened = false
  let attempt = 0
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  const waiters = createWaiters()
  // Any frame counts as alive; a silent peer is given up and the answers resume on a new socket.
  const heartbeat = createHeartbeat(
    options.heartbeatIntervalMs,
    options.heartbeatTimeoutMs,
    () => send({ type: 'ping' }),
    () => dropped(1006, 'heartbeat timeout', true),
  )

  function move(to: LinkState) {
    if (!canMove(state, to)) throw new Error(`client bug: no move from ${state} to ${to}`)
    state = to
  }

  const isOpen = () => state === 'open' && socket !== undefined && socket.readyState === OPEN

  function open() {
    retryTimer = undefined
    move('connecting')
    const ws = openSocket(options.Socket, options.url, token, {
      open() {
        attempt = 0
        const reconnected = everOpened
        everOpened = true
        move('open')
        heartbeat.start()
        options.onOpen()
        options.emit({ type: 'open', reconnected })
        waiters.resolveAll()
      },
      heard: () => heartbeat.heard(),
      frame: (frame) => options.onFrame(frame),
      close(code, reason, opened) {
        if (socket === ws) dropped(code, reason, opened)
      },
    })
    socket = ws
  }

  function detach(code: number, reason: string) {
    if (socket) abandon(socket, code, reason)
    socket = undefined
    heartbeat.stop()
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
    waiters.rejectAll(new ConnectionError(code, error, closeCode))
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
      return waiters.wait()
    },
    close() {
      clearTimeout(retryTimer)
      retryTimer = undefined
      detach(CloseCode.normal, 'closed by the client')
      move('closed')
      waiters.rejectAll(new ConnectionError('connection_closed', 'The client was closed before the connection opened'))
    },
  }
}
