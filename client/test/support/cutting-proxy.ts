/** A TCP proxy (node:net) in front of the server that cuts connections at random points of the server's bytes. */
import { createServer, connect as tcpConnect, type AddressInfo, type Socket } from 'node:net'

export interface CuttingProxy {
  port: number
  /** Connections cut so far. */
  readonly cuts: number
  /** Connections accepted so far. */
  readonly connections: number
  /** Cut each new connection after a random number of server bytes in [min, max]; undefined = never cut. */
  setCutRange(range: { min: number; max: number } | undefined): void
  /** Stops forwarding on every open connection without closing it (a half-dead network). */
  stall(): void
  /** Cuts every open connection now (new ones pass). */
  cutAll(): void
  close(): Promise<void>
}

/** A small deterministic generator, so a failing run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

export async function startCuttingProxy(targetPort: number, random: () => number): Promise<CuttingProxy> {
  let range: { min: number; max: number } | undefined
  let cuts = 0
  let connections = 0
  const pairs = new Set<{ client: Socket; upstream: Socket; stalled: boolean }>()

  const server = createServer((client) => {
    connections++
    const upstream = tcpConnect(targetPort, '127.0.0.1')
    const pair = { client, upstream, stalled: false }
    pairs.add(pair)
    const cutAfter = range ? range.min + Math.floor(random() * (range.max - range.min + 1)) : Infinity
    let forwarded = 0
    const cut = () => {
      if (client.destroyed) return
      cuts++
      client.destroy()
      upstream.destroy()
    }
    upstream.on('data', (chunk: Buffer) => {
      if (pair.stalled) return
      if (forwarded + chunk.length >= cutAfter) {
        // Forward the part before the cut point, so the client may get half a frame.
        client.write(chunk.subarray(0, cutAfter - forwarded))
        forwarded = cutAfter
        return cut()
      }
      forwarded += chunk.length
      client.write(chunk)
    })
    client.on('data', (chunk: Buffer) => {
      if (!pair.stalled) upstream.write(chunk)
    })
    const end = () => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('close', end)
    upstream.on('close', end)
    client.on('error', end)
    upstream.on('error', end)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    get cuts() {
      return cuts
    },
    get connections() {
      return connections
    },
    setCutRange(next) {
      range = next
    },
    stall() {
      for (const pair of pairs) pair.stalled = true
    },
    cutAll() {
      for (const { client, upstream } of pairs) {
        cuts++
        client.destroy()
        upstream.destroy()
      }
    },
    async close() {
      for (const { client, upstream } of pairs) {
        client.destroy()
        upstream.destroy()
      }
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
