import { describe, expect, it } from 'vitest'
import { createMemoryLimiter, isRefusal, secondsToUtcMidnight, type LimitSettings } from './limits.js'

const settings = (over: Partial<LimitSettings>): LimitSettings => ({
  connectionsPerWindow: 0,
  chatsPerWindow: 0,
  concurrentAnswers: 0,
  socketsPerUser: 0,
  dailyTokens: 0,
  windowMs: 60_000,
  ...over,
})

describe('in-memory limiter (fake clock)', () => {
  it('a bucket of N per window refuses the N+1th, says when to retry, and refills continuously', async () => {
    let now = 1_000_000
    const limiter = createMemoryLimiter(settings({ chatsPerWindow: 3 }), () => now)
    for (let i = 0; i < 3; i++) expect(await limiter.hit('u', 'chats')).toBeUndefined()
    const refused = await limiter.hit('u', 'chats')
    expect(refused).toMatchObject({ limit: 'chats', retryAfter: 20 }) // one token every 20 s
    expect(await limiter.hit('other', 'chats')).toBeUndefined() // per key
    now += 19_000
    expect(await limiter.hit('u', 'chats')).toMatchObject({ limit: 'chats', retryAfter: 1 }) // 0.95 of a token: 1 s to go
    now += 1_100
    expect(await limiter.hit('u', 'chats')).toBeUndefined()
  })

  it('the daily budget refuses once spent and resets at midnight UTC', async () => {
    let now = Date.UTC(2026, 10, 23, 23, 59, 0)
    const limiter = createMemoryLimiter(settings({ dailyTokens: 1000 }), () => now)
    await limiter.spend('u', 600)
    expect(await limiter.checkSpend('u')).toBeUndefined()
    await limiter.spend('u', 400)
    expect(await limiter.checkSpend('u')).toMatchObject({ limit: 'daily_tokens', retryAfter: 60 })
    now = Date.UTC(2026, 10, 24, 0, 0, 1)
    expect(await limiter.checkSpend('u')).toBeUndefined()
  })

  it('the monthly budget holds across days and resets on the first of the month (UTC)', async () => {
    let now = Date.UTC(2026, 0, 30, 12, 0, 0)
    const limiter = createMemoryLimiter(settings({ dailyTokens: 1000, tokenBudgetPeriod: 'month' }), () => now)
    await limiter.spend('u', 700)
    now = Date.UTC(2026, 0, 31, 23, 0, 0)
    await limiter.spend('u', 300)
    expect(await limiter.checkSpend('u')).toEqual({ limit: 'monthly_tokens', retryAfter: 3600, error: 'The monthly token budget is spent; it resets on the first of the month (UTC)' })
    expect(await limiter.checkSpend('other')).toBeUndefined()
    now = Date.UTC(2026, 1, 1, 0, 0, 1)
    expect(await limiter.checkSpend('u')).toBeUndefined()
  })

  it('slots are bounded per key and come back on release (twice is harmless)', async () => {
    const limiter = createMemoryLimiter(settings({ socketsPerUser: 2 }))
    const a = await limiter.acquire('u', 'sockets')
    const b = await limiter.acquire('u', 'sockets')
    expect(isRefusal(await limiter.acquire('u', 'sockets'))).toBe(true)
    if (isRefusal(a) || isRefusal(b)) throw new Error('unexpected refusal')
    a.release()
    a.release()
    expect(isRefusal(await limiter.acquire('u', 'sockets'))).toBe(false)
    expect(isRefusal(await limiter.acquire('u', 'sockets'))).toBe(true)
  })

  it('counts seconds to the next UTC midnight, never 0', () => {
    expect(secondsToUtcMidnight(Date.UTC(2026, 0, 1, 23, 59, 59, 500))).toBe(1)
    expect(secondsToUtcMidnight(Date.UTC(2026, 0, 1, 0, 0, 0))).toBe(86_400)
  })
})
