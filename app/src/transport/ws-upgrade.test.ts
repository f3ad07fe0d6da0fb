/** The own upgrade path on a real node:http server and real `ws` sockets: admit, refuse, wire the events. */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket, { WebSocketServer } from 'ws'
import { bindSocket, serveUpgrades, type UpgradeDeciders, type UpgradeEnv } from './ws-upgrade.js'

let server: Server | undefined
const wss = new WebSocketServer({ noServer: true })

afterEach(async () => {
  for (const client of wss.clients) client.terminate()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  server = undefined
})

interface Seen {
  opened: string[]
  messages: unknown[]
  closed: number[]
}

/** A server whose "app" admits `?user=<name>` and refuses anything else with 401 and a header. */
async function start(gate?: UpgradeDeciders<string>['gate']): Promise<{ url: string; seen: Seen }> {
  const seen: Seen = { opened: [], messages: [], closed: [] }
  const http = createServer((_req, res) => res.writeHead(404).end())
  server = http
  serveUpgrades<string>(
    http,
    wss,
    { ...(gate ? { gate } : {}), fetch: function app(request: Request, env: UpgradeEnv<never>) {
      const user = new URL(request.url).searchParams.get('user')
      if (!user) return new Response('no', { status: 401, headers: { 'www-authenticate': 'Bearer' } })
      ;(env as UpgradeEnv<string>).accepted = `${user} via ${env.incoming.socket.remoteAddress ?? '?'}`
      return new Response(null, { headers: { 'x-admitted': 'yes' } })
    } },
    (ws, accepted) =>
      bindSocket(
        ws,
        {
          onOpen: (_event, context) => {
            seen.opened.push(accepted)
            context.raw?.send('hello')
          },
          onMessage: (event) => void seen.messages.push((event as { data: unknown }).data),
          onClose: (event) => void seen.closed.push(event.code),
        },
        (error) => {
          throw error
        },
      ),
    (error) => {
      throw error
    },
  )
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  return { url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/ws`, seen }
}

describe('serveUpgrades', () => {
  it('opens an admitted socket with what the app accepted and the app headers, and wires its events', async () => {
    const { url, seen } = await start()
    const ws = new WebSocket(`${url}?user=ana`)
    // Both listeners first: the greeting can arrive in the same read as the 101.
    const headers = new Promise<Record<string, string | string[] | undefined>>((resolve) => ws.once('upgrade', (res) => resolve(res.headers)))
    const greeting = new Promise<string>((resolve) => ws.once('message', (data: Buffer) => resolve(data.toString('utf8'))))
    expect((await headers)['x-admitted']).toBe('yes')
    expect(await greeting).toBe('hello')
    expect(seen.opened).toEqual(['ana via 127.0.0.1'])
    ws.send('{"type":"ping"}')
    ws.send(Buffer.from([1, 2, 3]))
    await expect.poll(() => seen.messages.length).toBe(2)
    // Text frames arrive as strings (what the protocol parser takes), binary ones as they came.
    expect(seen.messages[0]).toBe('{"type":"ping"}')
    expect(Buffer.isBuffer(seen.messages[1])).toBe(true)
    ws.close(4000)
    await expect.poll(() => seen.closed).toEqual([4000])
  })

  it("refuses with the app's status and headers, and opens nothing", async () => {
    const { url, seen } = await start()
    const ws = new WebSocket(url)
    const response = await new Promise<{ status?: number; auth?: string | string[] }>((resolve) =>
      ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode, auth: res.headers['www-authenticate'] })),
    )
    expect(response).toEqual({ status: 401, auth: 'Bearer' })
    expect(seen.opened).toEqual([])
  })

  it('lets the gate decide the paths it knows, and the app the rest', async () => {
    const gated: string[] = []
    const { url, seen } = await start((request) => {
      if (!request.url?.startsWith('/gated')) return undefined
      gated.push(request.url)
      return Promise.resolve(request.url.endsWith('?no') ? { refused: new Response(null, { status: 429, headers: { 'retry-after': '7' } }) } : { accepted: 'by the gate' })
    })
    const base = url.replace(/\/ws$/, '')
    const refused = new WebSocket(`${base}/gated?no`)
    const response = await new Promise<{ status?: number; retryAfter?: string | string[] }>((resolve) =>
      refused.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'] })),
    )
    expect(response).toEqual({ status: 429, retryAfter: '7' })
    const admitted = new WebSocket(`${base}/gated`)
    await new Promise((resolve) => admitted.once('message', resolve))
    const byApp = new WebSocket(`${url}?user=bo`)
    await new Promise((resolve) => byApp.once('message', resolve))
    expect(seen.opened).toEqual(['by the gate', 'bo via 127.0.0.1'])
    expect(gated).toEqual(['/gated?no', '/gated'])
  })
})
