/**
 * The WebSocket upgrade, done here instead of by @hono/node-server's `upgradeWebSocket`: a gate (or the Hono
 * app, for paths the gate does not know) admits or refuses the request (origin, credential, limits), and once
 * the socket is open nothing of the request is kept. The helper keeps the upgrade's IncomingMessage, its Fetch
 * Request and the Hono context referenced from per-socket closures for the socket's whole life (about a third
 * of an idle socket's heap).
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { WSEvents } from 'hono/ws'
import type { WebSocket, WebSocketServer } from 'ws'

/** The `env` an upgrade request runs with: the route admits the socket by setting `accepted`. */
export interface UpgradeEnv<T> {
  incoming: IncomingMessage
  outgoing: undefined
  accepted?: T
}

type Fetch = (request: Request, env: UpgradeEnv<never>) => Response | Promise<Response>

/** Response headers the 101 never copies from the app's response (hop-by-hop, or set by `ws` itself). */
const SKIPPED = new Set(['connection', 'content-length', 'keep-alive', 'transfer-encoding', 'upgrade', 'sec-websocket-accept', 'sec-websocket-extensions', 'sec-websocket-protocol'])

function upgradeRequest(request: IncomingMessage): Request {
  const protocol = (request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http'
  const headers = new Headers()
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.append(name, Array.isArray(value) ? value.join(', ') : value)
  }
  return new Request(new URL(request.url ?? '/', `${protocol}://${request.headers.host ?? 'localhost'}`), { headers })
}

/** A refusal before the upgrade: the status and the app's headers; no body (clients do not read one here). */
function refuse(socket: Duplex, status: number, headers?: Headers): void {
  if (socket.destroyed) return
  const lines = ['Connection: close', 'Content-Length: 0']
  headers?.forEach((value, name) => {
    if (!SKIPPED.has(name)) lines.push(`${name}: ${value}`)
  })
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${lines.join('\r\n')}\r\n\r\n`)
}

/** What a socket's shared listeners need, kept on the socket itself; it is also the handlers' context. */
interface Binding {
  raw: WebSocket
  events: WSEvents<WebSocket>
  onError: (error: unknown) => void
}
const BINDING = Symbol('socket binding')
type BoundSocket = WebSocket & { [BINDING]: Binding }
type Context = Parameters<NonNullable<WSEvents<WebSocket>['onOpen']>>[1]

/**
 * Wires `ws` events to the socket's handlers. The listeners are module-level functions shared by every
 * socket (`this` is the socket), so a socket costs one small object here, not four closures and their
 * context, and nothing of the upgrade request is reachable from it.
 */
export function bindSocket(ws: WebSocket, events: WSEvents<WebSocket>, onError: (error: unknown) => void): void {
  const binding: Binding = { raw: ws, events, onError }
  ;(ws as BoundSocket)[BINDING] = binding
  try {
    events.onOpen?.(new Event('open'), binding as unknown as Context)
  } catch (error) {
    onError(error)
  }
  ws.on('message', onSocketMessage)
  ws.on('close', onSocketClose)
  ws.on('error', onSocketError)
}

function onSocketMessage(this: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
  const binding = (this as BoundSocket)[BINDING]
  // Text frames as strings, as the protocol parser expects; binary ones are refused by the handler.
  const payload = isBinary ? data : (data as Buffer).toString('utf8') // a Buffer: binaryType is the default
  try {
    binding.events.onMessage?.({ data: payload }, binding as unknown as Context)
  } catch (error) {
    binding.onError(error)
  }
}

function onSocketClose(this: WebSocket, code: number, reason: Buffer): void {
  const binding = (this as BoundSocket)[BINDING]
  try {
    binding.events.onClose?.({ code, reason: reason.toString() } as CloseEvent, binding as unknown as Context)
  } catch (error) {
    binding.onError(error)
  }
}

function onSocketError(this: WebSocket, error: Error): void {
  const binding = (this as BoundSocket)[BINDING]
  try {
    binding.events.onError?.({ error } as unknown as Event, binding as unknown as Context)
  } catch (failure) {
    binding.onError(failure)
  }
}

/** An upgrade's outcome: a socket opens with `accepted`, or `refused` (its status and headers) is sent back. */
export type UpgradeDecision<T> = { accepted: T } | { refused: Response }

/** How upgrades are decided: the gate where it answers (undefined: not its path), else the app. */
export interface UpgradeDeciders<T> {
  gate?: (request: IncomingMessage) => Promise<UpgradeDecision<T>> | undefined
  fetch: Fetch
}

/**
 * Serves upgrades on `server`. The gate decides the paths it knows; any other request runs through `fetch`
 * (the Hono app) with an `UpgradeEnv`, and is admitted when a route set `env.accepted`. An admitted upgrade is
 * completed by `ws` and `open` gets the socket and what was accepted; a refused one gets its status (and
 * headers) and the connection is closed.
 */
export function serveUpgrades<T>(
  server: { on(event: 'upgrade', listener: (request: IncomingMessage, socket: Duplex, head: Buffer) => void): unknown },
  wss: WebSocketServer,
  deciders: UpgradeDeciders<T>,
  open: (ws: WebSocket, accepted: T) => void,
  onError: (error: unknown) => void,
): void {
  server.on('upgrade', function onUpgrade(request, socket, head) {
    // A client that resets mid-handshake must not crash the process.
    socket.on('error', ignore)
    void admit(request, socket, head)
  })

  /** The app's decision: what a route accepted, or its response as the refusal (a 200 that accepted nothing: 400). */
  async function viaApp(request: IncomingMessage): Promise<UpgradeDecision<T> & { headers?: Headers }> {
    const env: UpgradeEnv<T> = { incoming: request, outgoing: undefined }
    const response = await deciders.fetch(upgradeRequest(request), env as UpgradeEnv<never>)
    const accepted = env.accepted
    return accepted === undefined ? { refused: response } : { accepted, headers: response.headers }
  }

  async function admit(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    let decision: UpgradeDecision<T> & { headers?: Headers }
    try {
      decision = await (deciders.gate?.(request) ?? viaApp(request))
    } catch (error) {
      onError(error)
      return refuse(socket, error instanceof TypeError ? 400 : 500)
    }
    if ('refused' in decision) {
      const { status, headers } = decision.refused
      return refuse(socket, status === 200 ? 400 : status, headers)
    }
    if (socket.destroyed) return
    const { accepted, headers } = decision
    const addHeaders = (lines: string[]) => headers?.forEach((value, name) => {
      if (!SKIPPED.has(name)) lines.push(`${name}: ${value}`)
    })
    if (headers) wss.on('headers', addHeaders)
    try {
      wss.handleUpgrade(request, socket, head, (ws) => {
        socket.off('error', ignore)
        open(ws, accepted)
      })
    } finally {
      if (headers) wss.off('headers', addHeaders)
    }
  }
}

function ignore(): void {}
