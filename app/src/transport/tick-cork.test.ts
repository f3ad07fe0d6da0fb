import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { corkForTick } from './tick-cork.js'

interface TcpView {
  writableCorked: number
  writableLength: number
}

let server: Server | undefined
const clients: WebSocket[] = []
afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate()
  await new Promise((resolve) => server?.close(resolve))
  server = undefined
})

/** A real `ws` server socket and the client at its other end, over loopback TCP. */
async function pair(): Promise<{ serverSide: WebSocket; client: WebSocket }> {
  server = createServer()
  const wss = new WebSocketServer({ server })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`)
  clients.push(client)
  const [serverSide] = (await once(wss, 'connection')) as [WebSocket]
  await once(client, 'open')
  return { serverSide, client }
}

const tcp = (ws: WebSocket) => (ws as unknown as { _socket: TcpView })._socket
const nextTick = () => new Promise<void>((resolve) => process.nextTick(resolve))

describe('corkForTick', () => {
  it('holds the frames of one tick and writes them, in order, when the tick ends', async () => {
    const { serverSide, client } = await pair()
    const received: string[] = []
    const all = new Promise<void>((resolve) => client.on('message', (data) => received.push((data as Buffer).toString('utf8')) === 3 && resolve()))
    for (const text of ['one', 'two', 'three']) {
      corkForTick(serverSide)
      serverSide.send(text)
    }
    // Held: still in the socket's buffer (one cork, not one per frame), nothing written yet.
    expect(tcp(serverSide).writableCorked).toBe(1)
    expect(tcp(serverSide).writableLength).toBe(3 * 2 + 'onetwothree'.length)
    await nextTick()
    expect(tcp(serverSide).writableCorked).toBe(0)
    await all
    expect(received).toEqual(['one', 'two', 'three'])
  })

  it('corks again in the next tick, and leaves a closed socket alone', async () => {
    const { serverSide, client } = await pair()
    corkForTick(serverSide)
    serverSide.send('first')
    await nextTick()
    corkForTick(serverSide)
    expect(tcp(serverSide).writableCorked).toBe(1)
    await nextTick()
    serverSide.terminate()
    await once(client, 'close')
    expect(() => corkForTick(serverSide)).not.toThrow()
    expect(tcp(serverSide).writableCorked).toBe(0)
  })
})
