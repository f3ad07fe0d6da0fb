/** The Redis conversation store, two instances on two clients of one real redis-server. */
import { describe, expect, it } from 'vitest'
import { twoClientsOnOneRedis } from '../../test/support/redis-clients.js'
import { createRedisConversationStore } from './redis-conversations.js'

const redis = twoClientsOnOneRedis(['instance-a', 'instance-b'])

const turn = (n: number) => ({ role: n % 2 ? ('assistant' as const) : ('user' as const), content: `t${n}` })
const pair = (options: { maxTurns?: number; idleTtlMs?: number; maxPerUser?: number } = {}) => {
  const o = { maxTurns: options.maxTurns ?? 20, idleTtlMs: options.idleTtlMs ?? 60_000, maxPerUser: options.maxPerUser ?? 100 }
  return [createRedisConversationStore(redis.a, o), createRedisConversationStore(redis.b, o)] as const
}

describe('redis conversation store: history', () => {
  it('history written by one instance is read by the other', async () => {
    const [one, two] = pair()
    await one.append('c1', [turn(0), turn(1)])
    expect(await two.history('c1')).toEqual([turn(0), turn(1)])
    await two.append('c1', [turn(2), turn(3)])
    expect(await one.history('c1')).toEqual([turn(0), turn(1), turn(2), turn(3)])
    expect(await one.history('unknown')).toEqual([])
    expect(one.size()).toBe(-1)
  })

  it('keeps only the most recent maxTurns turns, oldest first', async () => {
    const [one] = pair({ maxTurns: 4 })
    await one.append('c', [turn(0), turn(1)])
    await one.append('c', [turn(2), turn(3)])
    await one.append('c', [turn(4), turn(5)])
    expect((await one.history('c')).map((t) => t.content)).toEqual(['t2', 't3', 't4', 't5'])
    expect(await redis.a.llen('hedera-assistant:conv:c:turns')).toBe(4)
  })

  it('every key of a conversation expires after the idle TTL, every append renews them, and nothing is left after', async () => {
    const [one, two] = pair({ idleTtlMs: 60_000 })
    await one.append('c', [turn(0)])
    await one.setOwner('c', 'u1')
    const keys = await redis.a.keys('*')
    expect(keys.length).toBeGreaterThanOrEqual(3) // turns, metadata, the user's list
    for (const key of keys) expect(await redis.a.pttl(key)).toBeGreaterThan(50_000)
    // Time passing, told to Redis instead of slept: every key is one second from expiring, then an append renews them.
    for (const key of keys) await redis.a.pexpire(key, 1000)
    await two.append('c', [turn(1)])
    for (const key of keys) expect(await redis.a.pttl(key)).toBeGreaterThan(50_000)
    expect(await one.history('c')).toHaveLength(2)
    for (const key of keys) await redis.a.pexpire(key, 1)
    await expect.poll(() => redis.a.dbsize()).toBe(0)
    expect(await one.history('c')).toEqual([])
    expect(await one.ownerOf('c')).toBeUndefined()
    expect(await one.listForUser('u1')).toEqual([])
    expect(await redis.a.dbsize()).toBe(0) // nothing left behind: turns, metadata and the user's list all expired
  })

  it('concurrent appends from two instances lose no turn', async () => {
    const [one, two] = pair({ maxTurns: 1_000 })
    const writes: Promise<void>[] = []
    for (let i = 0; i < 100; i++) {
      writes.push(one.append('shared', [{ role: 'user', content: `a${i}` }]))
      writes.push(two.append('shared', [{ role: 'assistant', content: `b${i}` }]))
    }
    await Promise.all(writes)
    const contents = (await one.history('shared')).map((t) => t.content)
    expect(contents).toHaveLength(200)
    // Each instance's own turns keep their order; none is missing or doubled.
    expect(contents.filter((c) => c.startsWith('a'))).toEqual(Array.from({ length: 100 }, (_, i) => `a${i}`))
    expect(contents.filter((c) => c.startsWith('b'))).toEqual(Array.from({ length: 100 }, (_, i) => `b${i}`))
  })

  it('trims under concurrent appends to exactly maxTurns', async () => {
    const [one, two] = pair({ maxTurns: 10 })
    await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? one : two).append('t', [turn(i)])))
    expect(await one.history('t')).toHaveLength(10)
  })
})

describe('redis conversation store: owners and the per-user list', () => {
  it('claims a conversation for its first user only', async () => {
    const [one, two] = pair()
    expect(await one.setOwner('c', 'alice')).toBe(true)
    expect(await two.setOwner('c', 'alice')).toBe(true) // already hers
    expect(await two.setOwner('c', 'bob')).toBe(false)
    expect(await two.ownerOf('c')).toBe('alice')
    expect(await one.ownerOf('nobody-owns-this')).toBeUndefined()
    expect(await two.listForUser('bob')).toEqual([])
  })

  it('lists a user’s conversations most recently updated first, trimmed to maxPerUser', async () => {
    let clock = 1_000
    const options = { maxTurns: 10, idleTtlMs: 60_000, maxPerUser: 3, now: () => clock }
    const one = createRedisConversationStore(redis.a, options)
    const two = createRedisConversationStore(redis.b, options)
    for (const id of ['c1', 'c2', 'c3']) {
      clock += 10
      await one.setOwner(id, 'alice')
      await one.append(id, [turn(0)])
    }
    clock += 10
    await two.append('c1', [turn(1)]) // c1 becomes the most recent, on the other instance
    expect((await two.listForUser('alice')).map((c) => c.conversationId)).toEqual(['c1', 'c3', 'c2'])
    clock += 10
    await one.setOwner('c4', 'alice')
    const list = await one.listForUser('alice')
    expect(list.map((c) => c.conversationId)).toEqual(['c4', 'c1', 'c3']) // c2, the least recent, dropped off
    expect(list[1]).toEqual({ conversationId: 'c1', createdAt: 1_010, updatedAt: 1_040 })
    expect(await one.history('c2')).toHaveLength(1) // off the list, not deleted
  })

  it('renames and removes across instances', async () => {
    const [one, two] = pair()
    await one.setOwner('c', 'alice')
    await one.append('c', [turn(0)])
    expect(await two.rename('c', 'Minting an NFT')).toBe(true)
    expect((await one.listForUser('alice'))[0]?.title).toBe('Minting an NFT')
    expect(await one.rename('unknown', 'x')).toBe(false)
    expect(await redis.a.exists('hedera-assistant:conv:unknown:meta')).toBe(0) // rename must not create a ghost conversation

    expect(await two.remove('c')).toBe(true)
    expect(await one.history('c')).toEqual([])
    expect(await one.ownerOf('c')).toBeUndefined()
    expect(await one.listForUser('alice')).toEqual([])
    expect(await one.remove('c')).toBe(false)
    expect(await redis.a.dbsize()).toBe(0)
    // A removed conversation id can be claimed again.
    expect(await two.setOwner('c', 'bob')).toBe(true)
  })

  it('drops entries from the list whose conversation expired or was removed behind its back', async () => {
    const [one] = pair()
    await one.setOwner('gone', 'alice')
    await one.setOwner('kept', 'alice')
    await redis.a.del('hedera-assistant:conv:gone:meta')
    expect((await one.listForUser('alice')).map((c) => c.conversationId)).toEqual(['kept'])
    expect(await redis.a.zrange('hedera-assistant:user:alice:conversations', '0', '-1')).toEqual(['kept'])
  })

  it('uses the key prefix for every key', async () => {
    const store = createRedisConversationStore(redis.a, { maxTurns: 5, idleTtlMs: 60_000, keyPrefix: 'other:' })
    await store.setOwner('c', 'u')
    await store.append('c', [turn(0)])
    expect((await redis.a.keys('*')).sort()).toEqual(['other:conv:c:meta', 'other:conv:c:turns', 'other:user:u:conversations'])
  })
})
