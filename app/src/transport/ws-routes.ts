/**
 * The WebSocket endpoints' HTTP side: every upgrade is admitted or refused (draining, origin, credential,
 * connection limits) by the gate, a plain GET by the Hono route (426); the socket itself is opened by
 * serveUpgrades, which keeps nothing of the request.
 */
import type { IncomingMessage } from 'node:http'
import { Hono, type Context } from 'hono'
import { isAdmissionRefusal, type Guard, type GuardedRequest } from '../guard/guard.js'
import type { ServiceState } from '../ops/health.js'
import { inRequestTrace, type TelemetryOptions } from '../telemetry/instrument.js'
import { httpError, refusalResponse } from './http-error.js'
import type { SocketIdentity } from './ws.js'
import type { UpgradeDecision, UpgradeEnv } from './ws-upgrade.js'

export const WS_PATHS = ['/ws/chat', '/api/playground/assistant/ws'] as const

export interface WsRouteDeps {
  state: Pick<ServiceState, 'draining'>
  guard: Pick<Guard, 'admitSocket'>
  originAllowed(origin: string): boolean
}

export function wsRoutes(deps: WsRouteDeps): Hono {
  const app = new Hono()

  /** A request that reached the app: a plain GET (426), or an upgrade served without the gate (tests). */
  async function upgradeRoute(c: Context) {
    const decision = await decideUpgrade(deps, c)
    if (decision instanceof Response) return decision
    // serveUpgrades opens the socket with this identity.
    ;(c.env as UpgradeEnv<SocketIdentity>).accepted = decision
    return c.body(null, 200)
  }

  for (const path of WS_PATHS) app.get(path, upgradeRoute)
  return app
}

/**
 * Upgrades of the socket paths decided without the Hono app: the same checks, the same request log line and
 * server span, but no Fetch Request, Headers or context built per connection (a connection's largest cost
 * before its first question, and ~20 KB of garbage each in a burst of upgrades: docs/benchmarks.md, Round 9).
 * Any other path or method gives undefined: the app answers it (404, 405).
 */
export function upgradeGate(deps: WsRouteDeps, telemetry: TelemetryOptions): (request: IncomingMessage) => Promise<UpgradeDecision<SocketIdentity>> | undefined {
  return function gate(request) {
    const url = request.url ?? '/'
    const q = url.indexOf('?')
    const path = q === -1 ? url : url.slice(0, q)
    if (request.method !== 'GET' || !(WS_PATHS as readonly string[]).includes(path)) return undefined
    return decideInTrace(deps, telemetry, request, path, q === -1 ? undefined : url.slice(q + 1))
  }
}

async function decideInTrace(deps: WsRouteDeps, telemetry: TelemetryOptions, request: IncomingMessage, path: string, search: string | undefined): Promise<UpgradeDecision<SocketIdentity>> {
  const header = (name: string) => headerOf(request, name)
  let params: URLSearchParams | undefined
  const query = (name: string) => (search === undefined ? undefined : ((params ??= new URLSearchParams(search)).get(name) ?? undefined))
  let decision: SocketIdentity | Response | undefined
  await inRequestTrace(
    telemetry,
    { method: 'GET', path, header },
    async () => {
      decision = await decideUpgrade(deps, { req: { header, query }, env: { incoming: request } })
    },
    // A decision that threw is answered 500 by serveUpgrades.
    () => ({ status: decision === undefined ? 500 : decision instanceof Response ? decision.status : 101, route: path }),
  )
  return decision instanceof Response ? { refused: decision } : { accepted: decision! }
}

/** A request header as Hono's `c.req.header` gives it: repeated values joined with ", ". */
function headerOf(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()]
  return Array.isArray(value) ? value.join(', ') : value
}

/** Whether an upgrade may open a socket: the identity it opens with, or the refusal to send back. */
async function decideUpgrade(deps: WsRouteDeps, c: GuardedRequest): Promise<SocketIdentity | Response> {
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
  return { userId: admission.identity.userId, key: admission.key, expiresAt: admission.identity.expiresAt, slot: admission.slot }
}
