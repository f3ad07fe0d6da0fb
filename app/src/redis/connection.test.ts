/** createRedis, waitReady and trackHealth against a real redis-server (killed and restarted). */
import type { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startRedis, type RedisServer } from '../../test/support/redis-server.js'
import { createRedis, safeRedisUrl, trackHealth, waitReady } from './connection.js'

let server: RedisServer
const clients: Redis[] = []
const client = (url: string, password?: string) => {
  const c = createRedis({ url, password, name: 'test', connectTimeoutMs: 1_000 })
  clients.push(c)
  return c
}

beforeAll(async () => {
  server = await startRedis({ persistence: true })
})
afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect()
})
afterAll(async () => {
  await server.stop()
})

async function closedPort(): Promise<number> {
  const probe = await startRedis()
  await probe.stop()
  return probe.port
}

async function until(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('createRedis and waitReady', () => {
  it('connects, names the connection and runs commands', async () => {
    const c = client(server.url)
    await waitReady(c, 5_000)
    expect(await c.ping()).toBe('PONG')
    expect(await c.client('GETNAME')).toBe('test')
  })

  it('fails fast with one line naming the host, never the password', async () => {
    const port = await closedPort()
    const c = client(`redis://:s3cretpw@127.0.0.1:${port}`)
    const started = Date.now()
    const error = await waitReady(c, 700).then(
      () => undefined,
      (e: unknown) => e as Error,
    )
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(error?.message).toBe(`Cannot reach Redis at redis://127.0.0.1:${port} (ECONNREFUSED); check REDIS_URL and the network`)
    expect(error?.message).not.toContain('\n')
    expect(error?.message).not.toContain('s3cretpw')
  })

  it('reports a refused password at once, without printing it', async () => {
    const secured = await startRedis({ password: 'right-one' })
    try {
      const wrong = client(`redis://:wrong-one@127.0.0.1:${secured.port}`)
      const started = Date.now()
      const error = await waitReady(wrong, 5_000).catch((e: unknown) => e as Error)
      expect(Date.now() - started).toBeLessThan(2_000)
      expect((error as Error).message).toMatch(/^Redis at redis:\/\/127\.0\.0\.1:\d+ refused the credentials \(WRONGPASS\)/)
      expect((error as Error).message).not.toContain('wrong-one')
      // The explicit password (from a secret) wins over the URL's.
      const right = client(`redis://:wrong-one@127.0.0.1:${secured.port}`, 'right-one')
      await waitReady(right, 5_000)
      expect(await right.ping()).toBe('PONG')
    } finally {
      await secured.stop()
    }
  })

  it('speaks TLS to rediss:// and trusts the given CA, and only it', async () => {
    const secure = await startRedis({ tls: true })
    try {
      const trusted = createRedis({ url: secure.url, name: 'tls', caPem: secure.caPem })
      clients.push(trusted)
      await waitReady(trusted, 5_000)
      expect(await trusted.ping()).toBe('PONG')
      const untrusted = client(secure.url)
      const error = await waitReady(untrusted, 1_000).catch((e: unknown) => e as Error)
      expect((error as Error).message).toMatch(
        new RegExp(`^Cannot reach Redis at rediss://127\\.0\\.0\\.1:${secure.port} \\((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\\)`),
      )
    } finally {
      await secure.stop()
    }
  })

  it('rejects URLs that are not redis:// or rediss:// with a clear sentence', () => {
    expect(() => createRedis({ url: 'http://x:1', name: 'n' })).toThrow('REDIS_URL must start with redis:// or rediss://')
    expect(() => createRedis({ url: 'redis://x:1', name: 'has space' })).toThrow(/connection name/)
    expect(safeRedisUrl('rediss://user:pw@example.internal:6380/2')).toBe('rediss://example.internal:6380')
  })

  it('fails a command within a few seconds while Redis is down instead of queueing it forever', async () => {
    const port = await closedPort()
    const c = client(`redis://127.0.0.1:${port}`)
    const started = Date.now()
    await expect(c.get('k')).rejects.toThrow(/max retries per request|MaxRetriesPerRequest/i)
    expect(Date.now() - started).toBeLessThan(5_000)
  })
})

describe('trackHealth', () => {
  it('flips to unhealthy when Redis dies and back to healthy when it returns', async () => {
    const c = client(server.url)
    await waitReady(c, 5_000)
    const changes: [boolean, string | undefined][] = []
    const tracker = trackHealth(c, (healthy, reason) => changes.push([healthy, reason]))
    expect(tracker.healthy).toBe(true)

    await server.kill()
    await until(() => changes.length >= 1, 5_000)
    expect(changes[0]?.[0]).toBe(false)
    expect(tracker.healthy).toBe(false)
    expect(tracker.reason).toBeTruthy()

    await server.restart()
    await until(() => tracker.healthy, 10_000)
    // Exactly one flip each way: repeated reconnect failures must not repeat the "unhealthy" call.
    expect(changes.map(([healthy]) => healthy)).toEqual([false, true])
    expect(await c.ping()).toBe('PONG')
    tracker.stop()
  })
})
