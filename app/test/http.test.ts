import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './support/server.js'
import { connect } from './support/ws-client.js'

let srv: TestServer
let restricted: TestServer

beforeAll(async () => {
  srv = await startTestServer({ HEARTBEAT_INTERVAL_MS: '150' })
  restricted = await startTestServer({ CORS_ORIGINS: 'https://playground.example.com,https://app.example.com' })
})
afterAll(async () => {
  await srv.close()
  await restricted.close()
})

describe('health, info and stats', () => {
  for (const path of ['/health', '/api/playground/assistant/health']) {
    it(`GET ${path} reports healthy with timestamp, uptime, environment and version`, async () => {
      const res = await fetch(`${srv.http}${path}`)
      expect(res.status).toBe(200)
      const body = (await res.json()) as Record<string, unknown>
      expect(body).toMatchObject({ status: 'healthy', environment: 'test', version: '1.0.0-test' })
      expect(new Date(body.timestamp as string).getTime()).toBeGreaterThan(Date.now() - 60_000)
      expect(body.uptime).toBeTypeOf('number')
    })
  }

  it('GET /api/info names the service and its endpoints', async () => {
    const body = (await (await fetch(`${srv.http}/api/info`)).json()) as { name: string; version: string; endpoints: Record<string, string> }
    expect(body.name).toMatch(/Hedera/)
    expect(body.version).toBe('1.0.0-test')
    expect(body.endpoints).toMatchObject({ websocket: '/ws/chat', health: '/health', stats: '/api/stats' })
  })

  it('GET /api/stats lists open sockets with their message counts', async () => {
    const socket = await connect(srv.ws)
    socket.send({ type: 'ping' })
    socket.send({ type: 'ping' })
    await socket.next((f) => f.type === 'pong')
    await socket.next((f) => f.type === 'pong')
    const stats = (await (await fetch(`${srv.http}/api/stats`)).json()) as { activeConnections: number; connections: { id: string; isAlive: boolean; messageCount: number }[] }
    expect(stats.activeConnections).toBeGreaterThanOrEqual(1)
    expect(stats.connections.some((c) => c.messageCount === 2 && typeof c.id === 'string' && typeof c.isAlive === 'boolean')).toBe(true)
    socket.close()
  })

  it('answers unknown routes with 404 JSON', async () => {
    const res = await fetch(`${srv.http}/nope`)
    expect(res.status).toBe(404)
    expect(((await res.json()) as { code: string }).code).toBe('not_found')
  })
})

describe('one origin allowlist for CORS and the WebSocket Origin check', () => {
  it('by default allows localhost on any port and nothing else', async () => {
    const ok = await fetch(`${srv.http}/api/info`, { headers: { origin: 'http://localhost:5173' } })
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
    expect(ok.headers.get('access-control-expose-headers')).toBe('x-message-id,x-conversation-id,retry-after')
    const no = await fetch(`${srv.http}/api/info`, { headers: { origin: 'https://evil.example.com' } })
    expect(no.headers.get('access-control-allow-origin')).toBeNull()
    const socket = await connect(srv.ws, { origin: 'http://127.0.0.1:3000' })
    socket.close()
    await expect(connect(srv.ws, { origin: 'https://evil.example.com' })).rejects.toMatchObject({ status: 403 })
  })

  it('with CORS_ORIGINS set, allows exactly those origins, on both', async () => {
    const preflight = await fetch(`${restricted.http}/api/playground/assistant/chat`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    })
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com')
    const local = await fetch(`${restricted.http}/api/info`, { headers: { origin: 'http://localhost:5173' } })
    expect(local.headers.get('access-control-allow-origin')).toBeNull()
    const socket = await connect(restricted.ws, { origin: 'https://playground.example.com' })
    socket.close()
    await expect(connect(restricted.ws, { origin: 'http://localhost:5173' })).rejects.toMatchObject({ status: 403 })
  })

  it('serves the socket on its alias path too', async () => {
    const socket = await connect(`${srv.http.replace('http', 'ws')}/api/playground/assistant/ws`)
    socket.send({ type: 'ping' })
    await socket.next((f) => f.type === 'pong')
    socket.close()
  })
})

describe('heartbeat', () => {
  it('pings every interval; a peer that answers stays, a peer that misses one is terminated and counted', async () => {
    const alive = await connect(srv.ws)
    const silent = await connect(srv.ws, { autoPong: false })
    const { code } = await silent.closed
    expect(code).toBe(1006) // terminated, no close frame
    const stats = (await (await fetch(`${srv.http}/api/stats`)).json()) as { heartbeatTerminations: number }
    expect(stats.heartbeatTerminations).toBeGreaterThanOrEqual(1)
    expect(alive.ws.readyState).toBe(alive.ws.OPEN)
    expect(srv.logs.some((l) => l.event === 'heartbeat_timeout' && l.severity === 'WARNING')).toBe(true)
    alive.close()
  })
})
