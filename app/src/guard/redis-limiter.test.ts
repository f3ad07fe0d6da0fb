/** createRedisLimiter across two instances on one real redis-server: shared buckets, slots, spend; Redis down fails open. */
import { createServer, type Server, type Socket } from 'node:net'
import type { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { startRedis, type RedisServer } from '../../test/support/redis-server.js'
import { createRedis, waitReady } from '../redis/connection.js'
import { createMemoryLimiter, isRefusal, type LimitSettings, type Refusal, type Slot } from './limits.js'
import { createRedisLimiter, type RedisLimiter, type RedisLimiterOptions } from './redis-limiter.js'

let server: RedisServer
let a: Redis
let b: Redis
const extraClients: Redis[] = []
const limiters: RedisLimiter[] = []
let prefixes = 0

beforeAll(async () => {
  server = await startRedis()
  a = createRedis({ url: server.url, name: 'limiter-a' })
  b = createRedis({ url: server.url, name: 'limiter-b' })
  await Promise.all([waitReady(a, 5_000), waitReady(b, 5_000)])
})
afterEach(() => {
  for (const limiter of limiters.splice(0)) limiter.stop()
  for (const client of extraClients.splice(0)) client.disconnect()
})
afterAll(async () => {
  a.disconnect()
  b.disconnect()
  await server.stop()
})

const OFF: LimitSettings = { connectionsPerWindow: 0, chatsPerWindow: 0, concurrentAnswers: 0, socketsPerUser: 0, dailyTokens: 0, windowMs: 1000 }

/**
 * The limiter's scripts read the Redis clock (TIME), which a test cannot set. So time "passes" by moving the
 * stored times back instead: a bucket's last refill, and slot expiries. Same arithmetic, no waiting.
 */
async function ageBucket(key: string, ms: number): Promise<void> {
  const at = Number(await a.hget(key, 'at'))
  await a.hset(key, 'at', String(at - ms))
}

async function ageSlots(key: string, ms: number): Promise<void> {
  for (const member of await a.zrange(key, '0', '-1')) await a.zincrby(key, -ms, member)
}

async function redisNow(): Promise<number> {
  const [seconds, micros] = await a.time()
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)
}

/** Resolves once the holders' refresh timers pushed every one of `members` past the Redis clock again. */
async function refreshed(key: string, members: string[]): Promise<void> {
  await expect
    .poll(async () => {
      const now = await redisNow()
      const scores = await Promise.all(members.map((member) => a.zscore(key, member)))
      return scores.every((score) => score !== null && Number(score) > now)
    })
    .toBe(true)
}

/** Two instances of the limiter, each on its own connection, sharing one fresh key prefix. */
function pair(settings: Partial<LimitSettings>, options: RedisLimiterOptions = {}): [RedisLimiter, RedisLimiter, string] {
  const keyPrefix = `test:${++prefixes}:`
  const make = (client: Redis) => createRedisLimiter(client, { ...OFF, ...settings }, { keyPrefix, ...options })
  const both: [RedisLimiter, RedisLimiter] = [make(a), make(b)]
  limiters.push(...both)
  return [...both, keyPrefix]
}

const slotOf = (value: Slot | Refusal): Slot => {
  if (isRefusal(value)) throw new Error(`expected a slot, got a refusal: ${value.error}`)
  return value
}

describe('per-window buckets are shared by every instance', () => {
  it('A takes 2, B takes 1, the 4th on either is refused, and a token comes back after a third of the window', async () => {
    const [one, two, keyPrefix] = pair({ chatsPerWindow: 3, windowMs: 60_000 })
    expect(await one.hit('u1', 'chats')).toBeUndefined()
    expect(await one.hit('u1', 'chats')).toBeUndefined()
    expect(await two.hit('u1', 'chats')).toBeUndefined()
    const refusedOnA = await one.hit('u1', 'chats')
    const refusedOnB = await two.hit('u1', 'chats')
    expect(refusedOnA).toEqual({ limit: 'chats', retryAfter: 20, error: 'Too many questions in a short time; wait a moment' })
    expect(refusedOnB).toMatchObject({ limit: 'chats', retryAfter: 20 })
    // Other users and the other bucket are untouched.
    expect(await two.hit('u2', 'chats')).toBeUndefined()
    expect(await two.hit('u1', 'connections')).toBeUndefined()
    await ageBucket(`${keyPrefix}chats:u1`, 60_000 / 3)
    expect(await two.hit('u1', 'chats')).toBeUndefined()
    expect(await one.hit('u1', 'chats')).toMatchObject({ limit: 'chats' })
  })

  it('computes retryAfter in whole seconds like the memory limiter', async () => {
    const settings = { ...OFF, connectionsPerWindow: 3, windowMs: 60_000 }
    const [one, two] = pair(settings)
    const memory = createMemoryLimiter(settings)
    for (let i = 0; i < 3; i++) {
      expect(await (i % 2 ? one : two).hit('ip', 'connections')).toBeUndefined()
      expect(await memory.hit('ip', 'connections')).toBeUndefined()
    }
    const shared = await one.hit('ip', 'connections')
    const local = await memory.hit('ip', 'connections')
    expect(local).toMatchObject({ limit: 'connections', retryAfter: 20 }) // one token per 20 s
    expect(shared).toEqual(local)
  })

  it('keeps the bucket in a hash that expires after one window', async () => {
    const [one, , keyPrefix] = pair({ chatsPerWindow: 5, windowMs: 1000 })
    await one.hit('u', 'chats')
    const pttl = await a.pttl(`${keyPrefix}chats:u`)
    expect(pttl).toBeGreaterThan(0)
    expect(pttl).toBeLessThanOrEqual(1000)
    expect(Number(await a.hget(`${keyPrefix}chats:u`, 'tokens'))).toBeCloseTo(4, 1)
  })
})

describe('held slots are shared by every instance and outlive no crashed holder', () => {
  it('max 2: A holds 1, B holds 1, A is refused; B releasing lets A in; release is idempotent', async () => {
    const [one, two, keyPrefix] = pair({ concurrentAnswers: 2 })
    const first = slotOf(await one.acquire('u', 'concurrent_answers'))
    const second = slotOf(await two.acquire('u', 'concurrent_answers'))
    expect(await one.acquire('u', 'concurrent_answers')).toEqual({
      limit: 'concurrent_answers',
      retryAfter: 5,
      error: 'Too many answers streaming at once; wait for one to finish',
    })
    expect(await two.acquire('other', 'concurrent_answers')).not.toHaveProperty('limit')
    second.release()
    const third = slotOf(await one.acquire('u', 'concurrent_answers'))
    second.release() // a second release must not free someone else's slot
    expect(await a.zcard(`${keyPrefix}concurrent_answers:u`)).toBe(2)
    expect(await two.acquire('u', 'concurrent_answers')).toMatchObject({ limit: 'concurrent_answers' })
    first.release()
    third.release()
    await expect.poll(() => a.zcard(`${keyPrefix}concurrent_answers:u`)).toBe(0)
  })

  it('a crashed holder\'s slot lapses after the slot TTL while a live holder\'s slot is kept by its refresh', async () => {
    const [live, , keyPrefix] = pair({ socketsPerUser: 2 }, { slotTtlMs: 300 })
    const crashedClient = createRedis({ url: server.url, name: 'limiter-crashed' })
    extraClients.push(crashedClient)
    const crashed = createRedisLimiter(crashedClient, { ...OFF, socketsPerUser: 2 }, { keyPrefix, slotTtlMs: 300 })
    limiters.push(crashed)
    const zset = `${keyPrefix}sockets:u`
    slotOf(await crashed.acquire('u', 'sockets'))
    const [crashedId] = await a.zrange(zset, '0', '-1')
    // The crash: no release, no more refreshes, the connection gone.
    crashed.stop()
    crashedClient.disconnect()
    const kept = slotOf(await live.acquire('u', 'sockets'))
    expect(await live.acquire('u', 'sockets')).toMatchObject({ limit: 'sockets', retryAfter: 60 })
    const liveIds = (await a.zrange(zset, '0', '-1')).filter((id) => id !== crashedId)
    expect(liveIds).toHaveLength(1)
    // 450 ms "pass" (past the 300 ms TTL): both slots lapse, and only the live holder's refresh brings its own back.
    await ageSlots(zset, 450)
    await refreshed(zset, liveIds)
    expect(Number(await a.zscore(zset, crashedId!))).toBeLessThan(await redisNow())
    // The crashed slot lapsed; the live one, refreshed every 100 ms, still counts, so exactly one more fits.
    const next = slotOf(await live.acquire('u', 'sockets'))
    expect(await live.acquire('u', 'sockets')).toMatchObject({ limit: 'sockets' })
    expect(await a.zscore(zset, crashedId!)).toBeNull()
    await ageSlots(zset, 450)
    await refreshed(zset, await a.zrange(zset, '0', '-1'))
    expect(await live.acquire('u', 'sockets')).toMatchObject({ limit: 'sockets' })
    kept.release()
    next.release()
    expect(isRefusal(await live.acquire('u', 'sockets'))).toBe(false)
  })

  it('scores slots by expiry on the Redis clock and expires the whole set with them', async () => {
    const [one, , keyPrefix] = pair({ socketsPerUser: 3 }, { slotTtlMs: 60_000 })
    const slot = slotOf(await one.acquire('u', 'sockets'))
    const [seconds, micros] = await a.time()
    const serverNow = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)
    const scores = await a.zrange(`${keyPrefix}sockets:u`, '0', '-1', 'WITHSCORES')
    expect(scores).toHaveLength(2)
    expect(Number(scores[1]) - serverNow).toBeGreaterThan(59_000)
    expect(Number(scores[1]) - serverNow).toBeLessThanOrEqual(60_000)
    expect(await a.pttl(`${keyPrefix}sockets:u`)).toBeGreaterThan(59_000)
    slot.release()
  })
})

describe('the daily spend is shared by every instance', () => {
  it('adds spends from both instances and refuses on either at the cap, with retryAfter up to midnight UTC', async () => {
    const [one, two, keyPrefix] = pair({ dailyTokens: 400 })
    await one.spend('u', 250)
    expect(await two.checkSpend('u')).toBeUndefined()
    await two.spend('u', 149)
    expect(await one.checkSpend('u')).toBeUndefined()
    await two.spend('u', 1)
    for (const limiter of [one, two]) {
      const refusal = await limiter.checkSpend('u')
      expect(refusal).toMatchObject({ limit: 'daily_tokens', error: 'The daily token budget is spent; it resets at midnight UTC' })
      expect(refusal!.retryAfter).toBeGreaterThanOrEqual(1)
      expect(refusal!.retryAfter).toBeLessThanOrEqual(86_400)
    }
    expect(await one.checkSpend('someone-else')).toBeUndefined()
    const day = Math.floor(Date.now() / 86_400_000)
    expect(await a.get(`${keyPrefix}spend:${day}:u`)).toBe('400')
    const ttl = await a.ttl(`${keyPrefix}spend:${day}:u`)
    expect(ttl).toBeGreaterThan(86_400)
    expect(ttl).toBeLessThanOrEqual(2 * 86_400)
  })
})

describe('the monthly budget', () => {
  it('is shared by both instances under a month key that outlives the month, and refuses as monthly_tokens', async () => {
    const [one, two, keyPrefix] = pair({ dailyTokens: 100, tokenBudgetPeriod: 'month' })
    await one.spend('u', 60)
    await two.spend('u', 40)
    const refusal = await one.checkSpend('u')
    expect(refusal).toMatchObject({ limit: 'monthly_tokens', error: 'The monthly token budget is spent; it resets on the first of the month (UTC)' })
    expect(refusal!.retryAfter).toBeLessThanOrEqual(31 * 86_400)
    const now = new Date()
    const month = `m${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`
    expect(await a.get(`${keyPrefix}spend:${month}:u`)).toBe('100')
    expect(await a.ttl(`${keyPrefix}spend:${month}:u`)).toBeGreaterThan(31 * 86_400)
  })
})

describe('a limit of 0 is off', () => {
  it('makes no Redis call: works on a closed client without an error', async () => {
    const closed = createRedis({ url: server.url, name: 'limiter-closed' })
    extraClients.push(closed)
    await waitReady(closed, 5_000)
    closed.disconnect()
    // Every command (scripts included) goes through sendCommand: counting its calls is counting Redis calls.
    const commands = vi.spyOn(closed, 'sendCommand')
    const errors: unknown[] = []
    const limiter = createRedisLimiter(closed, OFF, { onError: (e) => errors.push(e) })
    limiters.push(limiter)
    expect(await limiter.hit('u', 'chats')).toBeUndefined()
    expect(await limiter.hit('u', 'connections')).toBeUndefined()
    const slot = slotOf(await limiter.acquire('u', 'sockets'))
    slot.release()
    slotOf(await limiter.acquire('u', 'concurrent_answers')).release()
    await limiter.spend('u', 1_000_000)
    expect(await limiter.checkSpend('u')).toBeUndefined()
    expect(commands).not.toHaveBeenCalled()
    expect(errors).toEqual([])
    // The same limiter with limits on does reach for Redis, so the assertions above are meaningful.
    const on = createRedisLimiter(closed, { ...OFF, chatsPerWindow: 1 }, { onError: (e) => errors.push(e) })
    limiters.push(on)
    expect(await on.hit('u', 'chats')).toBeUndefined()
    expect(commands).toHaveBeenCalled()
    expect(errors).toHaveLength(1)
    commands.mockRestore()
  })
})

describe('Redis unreachable: fail open, quickly, and report', () => {
  const ALL_ON: LimitSettings = { connectionsPerWindow: 1, chatsPerWindow: 1, concurrentAnswers: 1, socketsPerUser: 1, dailyTokens: 1, windowMs: 1000 }

  async function exercise(client: Redis): Promise<string[]> {
    const operations: string[] = []
    const limiter = createRedisLimiter(client, ALL_ON, { onError: (_e, op) => operations.push(op) })
    limiters.push(limiter)
    const timed = async <T>(run: () => Promise<T>): Promise<T> => {
      const started = Date.now()
      const result = await run()
      expect(Date.now() - started).toBeLessThan(2_000)
      return result
    }
    // Twice each: with limits of 1 the second call would be refused if anything were counted.
    for (let i = 0; i < 2; i++) {
      expect(await timed(() => limiter.hit('u', 'chats'))).toBeUndefined()
      const slot = await timed(() => limiter.acquire('u', 'sockets'))
      expect(isRefusal(slot)).toBe(false)
      await timed(() => limiter.spend('u', 10))
      expect(await timed(() => limiter.checkSpend('u'))).toBeUndefined()
    }
    return operations
  }

  it('nothing listening (connection refused)', async () => {
    const probe = await startRedis()
    await probe.stop()
    const client = createRedis({ url: probe.url, name: 'limiter-down' })
    extraClients.push(client)
    const operations = await exercise(client)
    expect(operations).toEqual(['hit', 'acquire', 'spend', 'checkSpend', 'hit', 'acquire', 'spend', 'checkSpend'])
  })

  it('a black hole that accepts the connection and never answers', async () => {
    const sockets = new Set<Socket>()
    const hole: Server = createServer((socket) => {
      sockets.add(socket)
      socket.on('error', () => {})
    })
    await new Promise<void>((resolve) => hole.listen(0, '127.0.0.1', resolve))
    const address = hole.address()
    const port = typeof address === 'object' && address ? address.port : 0
    try {
      const client = createRedis({ url: `redis://127.0.0.1:${port}`, name: 'limiter-hole' })
      extraClients.push(client)
      const operations = await exercise(client)
      expect(operations).toEqual(['hit', 'acquire', 'spend', 'checkSpend', 'hit', 'acquire', 'spend', 'checkSpend'])
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => hole.close(resolve))
    }
  })

  it('counts again once Redis is back (scripts reloaded after the restart)', async () => {
    const flaky = await startRedis()
    try {
      const client = createRedis({ url: flaky.url, name: 'limiter-flaky' })
      extraClients.push(client)
      await waitReady(client, 5_000)
      const operations: string[] = []
      const limiter = createRedisLimiter(client, { ...OFF, chatsPerWindow: 1, windowMs: 60_000 }, { onError: (_e, op) => operations.push(op) })
      expect(await limiter.hit('warm', 'chats')).toBeUndefined()
      await flaky.kill()
      expect(await limiter.hit('back', 'chats')).toBeUndefined()
      expect(operations).toEqual(['hit'])
      await flaky.restart()
      await waitReady(client, 5_000)
      expect(await limiter.hit('back', 'chats')).toBeUndefined()
      expect(await limiter.hit('back', 'chats')).toMatchObject({ limit: 'chats', retryAfter: 60 })
      expect(operations).toEqual(['hit'])
    } finally {
      await flaky.stop()
    }
  })
})
