/** The sealed-key stores: memory, and Redis on a real redis-server (two clients, as two instances). */
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRedis, type RedisServer } from '../../test/support/redis-server.js'
import type { SealedKey } from './envelope.js'
import { createMemoryKeyStore, createRedisKeyStore, redisKeyOf, type SealedKeyStore } from './key-store.js'

const record = (masked: string): SealedKey => ({ v: 1, kek: 'local:abc', wrappedKey: 'd3JhcHBlZA==', sealed: 'c2VhbGVk', masked, createdAt: '2026-12-06T00:00:00.000Z' })

let server: RedisServer
let one: Redis
let two: Redis
beforeAll(async () => {
  server = await startRedis()
  one = new Redis(server.url)
  two = new Redis(server.url)
})
afterAll(async () => {
  one.disconnect()
  two.disconnect()
  await server.stop()
})

describe.each([
  ['memory', () => { const s = createMemoryKeyStore(); return [s, s] as const }],
  ['redis', () => [createRedisKeyStore(one), createRedisKeyStore(two)] as const],
] as [string, () => readonly [SealedKeyStore, SealedKeyStore]][])('%s key store', (_name, make) => {
  it('put, get (from the other instance), replace, delete once', async () => {
    const [a, b] = make()
    expect(await a.get('user-1')).toBeUndefined()
    await a.put('user-1', record('sk-…1111'))
    expect(await b.get('user-1')).toEqual(record('sk-…1111'))
    await b.put('user-1', record('sk-…2222'))
    expect((await a.get('user-1'))?.masked).toBe('sk-…2222')
    expect(await a.get('user-2')).toBeUndefined()
    expect(await b.delete('user-1')).toBe(true)
    expect(await a.delete('user-1')).toBe(false)
    expect(await a.get('user-1')).toBeUndefined()
  })
})

describe('redis key store', () => {
  it('names keys by a hash of the user id, never the id itself', async () => {
    await createRedisKeyStore(one).put('alice@example.com', record('sk-…3333'))
    const keys = await one.keys('*')
    expect(keys).toContain(redisKeyOf('alice@example.com'))
    expect(keys.join(' ')).not.toContain('alice')
  })

  it('treats a value that is not a sealed record as no record', async () => {
    await one.set(redisKeyOf('user-x'), 'not json')
    expect(await createRedisKeyStore(one).get('user-x')).toBeUndefined()
  })
})
