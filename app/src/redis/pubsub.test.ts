/** createPubSub across two clients of one real redis-server: fan-out, unsubscribe, bad payloads, restarts. */
import type { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startRedis, type RedisServer } from '../../test/support/redis-server.js'
import { createRedis, waitReady } from './connection.js'
import { createPubSub, type PubSub } from './pubsub.js'

let server: RedisServer
let a: Redis
let b: Redis
const opened: PubSub[] = []
const pubsub = (redis: Redis, onError?: (e: unknown) => void) => {
  const p = createPubSub(redis, { prefix: 'test:', onError })
  opened.push(p)
  return p
}

beforeAll(async () => {
  server = await startRedis({ persistence: true })
  a = createRedis({ url: server.url, name: 'a' })
  b = createRedis({ url: server.url, name: 'b' })
  await Promise.all([waitReady(a, 5_000), waitReady(b, 5_000)])
})
afterEach(async () => {
  for (const p of opened.splice(0)) await p.close()
})
afterAll(async () => {
  a.disconnect()
  b.disconnect()
  await server.stop()
})

async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('pubsub', () => {
  it('delivers JSON messages published on one instance to every handler on another, in order', async () => {
    const sub = pubsub(a)
    const pub = pubsub(b)
    const first: unknown[] = []
    const second: unknown[] = []
    await sub.subscribe('cancel', (m) => first.push(m))
    await sub.subscribe('cancel', (m, channel) => second.push([channel, m]))
    for (let i = 0; i < 20; i++) await pub.publish('cancel', { messageId: `m${i}`, n: i })
    await until(() => first.length === 20 && second.length === 20)
    expect(first).toEqual(Array.from({ length: 20 }, (_, i) => ({ messageId: `m${i}`, n: i })))
    expect(second[0]).toEqual(['cancel', { messageId: 'm0', n: 0 }])
  })

  it('stops delivering to an unsubscribed handler and unsubscribes from Redis after the last one', async () => {
    const sub = pubsub(a)
    const got: unknown[] = []
    const kept: unknown[] = []
    const off = await sub.subscribe('ch', (m) => got.push(m))
    const offKept = await sub.subscribe('ch', (m) => kept.push(m))
    await off()
    await b.publish('test:ch', JSON.stringify(1))
    await until(() => kept.length === 1)
    expect(got).toEqual([])
    await offKept()
    expect(await b.pubsub('NUMSUB', 'test:ch')).toEqual(['test:ch', 0])
    // Subscribing again after the last unsubscribe works (SUBSCRIBE is ordered after the UNSUBSCRIBE).
    await sub.subscribe('ch', (m) => got.push(m))
    await b.publish('test:ch', JSON.stringify(2))
    await until(() => got.length === 1)
    expect(got).toEqual([2])
  })

  it('keeps channels apart and survives a bad payload and a throwing handler', async () => {
    const errors: unknown[] = []
    const sub = pubsub(a, (e) => errors.push(e))
    const x: unknown[] = []
    const y: unknown[] = []
    await sub.subscribe('x', () => {
      throw new Error('handler bug')
    })
    await sub.subscribe('x', (m) => x.push(m))
    await sub.subscribe('y', (m) => y.push(m))
    await b.publish('test:x', 'not json')
    await b.publish('test:x', JSON.stringify({ ok: true }))
    // A last message as a barrier: one channel on one connection keeps order, so when it arrived so had the rest.
    await b.publish('test:x', JSON.stringify('last'))
    await until(() => x.length === 2)
    expect(x).toEqual([{ ok: true }, 'last'])
    expect(y).toEqual([])
    expect(errors).toHaveLength(3) // the bad JSON, and the throwing handler on each good message
  })

  it('resubscribes after Redis restarts', async () => {
    const sub = pubsub(a)
    const got: unknown[] = []
    await sub.subscribe('after-restart', (m) => got.push(m))
    await server.kill()
    await server.restart()
    // The subscriber reconnects on its own schedule: publish until the resubscribed connection hears it.
    const deadline = Date.now() + 10_000
    while (got.length === 0 && Date.now() < deadline) {
      await b.publish('test:after-restart', JSON.stringify('hello')).catch(() => {})
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(got[0]).toBe('hello')
  })
})
