/**
 * The WebSocket endpoints' HTTP side: the Hono app admits or refuses every upgrade (draining, origin, credential,
 * connection limits); the socket itself is opened by serveUpgrades, which keeps nothing of the request.
 */
import type { IncomingMessage } from 'node:http'
import { Hono, type Context } from 'hono'
import { isAdmissionRefusal, type Guard } from '../guard/guard.js'
import type { ServiceState } from '../ops/health.js'
import { httpError, refusalResponse } from './http-error.js'
import type { SocketIdentity } from './ws.js'
import type { UpgradeEnv } from './ws-upgrade.js'

export const WS_PATHS = ['/ws/chat', '/api/playground/assistant/ws'] as const

export interface WsRouteDeps {
  state: Pick<ServiceState, 'draining'>
  guard: Pick<Guard, 'admitSocket'>
  originAllowed(origin: string): boolean
}

export function wsRoutes(deps: WsRouteDeps): Hono<{ Variables: { socket: SocketIdentity } }> {
  const app = new Hono<{ Variables: { socket: SocketIdentity } }>()

  async function refuseUnwantedUpgrades(c: Context<{ Variables: { socket: SocketIdentity } }>, next: () => Promise<void>) {
    if (deps.state.draining) return httpError('shutting_down', 'The server is shutting down; reconnect')
    const origin = c.req.header('origin')
    // Browsers always send Origin; other clients (curl, servers) may not, and CORS cannot protect a socket.
    if (origin !== undefined && !deps.originAllowed(origin)) {
      return httpError('forbidden', `Origin ${origin} is not allowed; add it to CORS_ORIGINS`)
    }
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      return httpError('invalid_message', 'This endpoint speaks WebSocket; connect with a WebSocket client', { status: 426 })
    }
    // The credential and the connection limits are checked before the upgrade: a refused client never gets a socket.
    const admission = await deps.guard.admitSocket(c)
    if (isAdmissionRefusal(admission)) return refusalResponse(admission)
    // The slot lives as long as the TCP connection: when ws refuses the handshake (or the client hangs
    // up first) no socket ever opens, so onClose never runs to free it.
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
    if (incoming) incoming.socket.once('close', () => admission.slot.release())
    else admission.slot.release()
    c.set('socket', { userId: admission.identity.userId, key: admission.key, expiresAt: admission.identity.expiresAt, slot: admission.slot })
    await next()
  }

  /** Marks the request accepted; serveUpgrades opens the socket with this identity. */
  function acceptSocket(c: Context<{ Variables: { socket: SocketIdentity } }>) {
    ;(c.env as UpgradeEnv<SocketIdentity>).accepted = c.get('socket')
    return c.body(null, 200)
  }

  for (const path of WS_PATHS) app.get(path, refuseUnwantedUpgrades, acceptSocket)
  return app
}
