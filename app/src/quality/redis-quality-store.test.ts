/** The Redis quality store, two instances on two clients of one real redis-server. */
import { describe, expect, it } from 'vitest'
import { twoClientsOnOneRedis } from '../../test/support/redis-clients.js'
import type { AnswerRecord } from './quality-store.js'
import { createRedisQualityStore, type RedisQualityOptions } from './redis-quality-store.js'

const redis = twoClientsOnOneRedis(['quality-a', 'quality-b'])

const record = (messageId: string, at: number, userId?: string, extra: Partial<AnswerRecord> = {}): AnswerRecord => ({
  messageId,
  userId,
  at,
  sources: ['guide:tokens'],
  signals: ['weak_retrieval'],
  unknownNames: 0,
  ...extra,
})
const pair = (options: Partial<RedisQualityOptions> = {}) => {
  const o = { retentionMs: 60_000, maxEntries: 100, ...options }
  return [createRedisQualityStore(redis.a, o), createRedisQualityStore(redis.b, o)] as const
}

describe('redis quality store', () => {
  it('an answer recorded by one instance is in the other instance\'s list, with its question and sources', async () => {
    const [one, two] = pair()
    const at = Date.now()
    const first = record('m1', at - 10, 'alice', { question: 'How do I mint?', terms: ['mint'] })
    await one.record(first)
    await two.record(record('m2', at, undefined))
    const listed = await two.recent(60_000)
    expect(listed.map((r) => r.messageId)).toEqual(['m2', 'm1'])
    expect(listed[1]).toEqual(first)
    expect(listed[0]).not.toHaveProperty('question')
    expect(await one.recent(60_000)).toEqual(listed)
  })

  it('takes one rating per answer from its owner across instances, and marks a down vote', async () => {
    const [one, two] = pair()
    await one.record(record('m', Date.now(), 'alice'))
    expect(await two.feedback('m', 'bob', { rating: 'up' })).toBe('forbidden')
    expect(await two.feedback('m', undefined, { rating: 'up' })).toBe('forbidden')
    expect(await two.feedback('x', 'alice', { rating: 'up' })).toBe('unknown_answer')
    expect(await two.feedback('m', 'alice', { rating: 'down', reason: 'outdated', comment: 'old API' })).toBe('saved')
    expect(await one.feedback('m', 'alice', { rating: 'up' })).toBe('already_rated')
    const [rated] = await one.recent(60_000)
    expect(rated).toMatchObject({ signals: ['weak_retrieval', 'downvoted'], feedback: { rating: 'down', reason: 'outdated', comment: 'old API' } })
  })

  it('a record of the same id replaces the earlier one, its rating too, as the memory store does', async () => {
    const [one, two] = pair()
    await one.record(record('again', Date.now() - 5, 'alice', { sources: ['guide:old'] }))
    expect(await two.feedback('again', 'alice', { rating: 'down' })).toBe('saved')
    await two.record(record('again', Date.now(), 'alice', { sources: ['guide:new'] }))
    const [latest] = await one.recent(60_000)
    expect(latest).toEqual(record('again', latest!.at, 'alice', { sources: ['guide:new'] }))
    expect(await one.feedback('again', 'alice', { rating: 'up' })).toBe('saved')
  })

  it('an answer without authentication is rated only without a user, and an empty user id is not "no user"', async () => {
    const [one, two] = pair()
    await one.record(record('anon', Date.now(), undefined))
    expect(await two.feedback('anon', '', { rating: 'up' })).toBe('forbidden')
    expect(await two.feedback('anon', undefined, { rating: 'up' })).toBe('saved')
  })

  it('of many racing ratings of one answer through two instances exactly one is saved', async () => {
    const [one, two] = pair()
    await one.record(record('race', Date.now(), 'alice'))
    const attempts = Array.from({ length: 20 }, (_, i) => (i % 2 ? one : two).feedback('race', 'alice', { rating: i % 3 ? 'up' : 'down' }))
    const outcomes = await Promise.all(attempts)
    expect(outcomes.filter((o) => o === 'saved')).toHaveLength(1)
    expect(outcomes.filter((o) => o === 'already_rated')).toHaveLength(19)
  })

  it('lists only the window asked for and the retention, and keeps at most maxEntries', async () => {
    let now = 1_000_000
    const [one] = pair({ retentionMs: 10_000, maxEntries: 2, now: () => now })
    await one.record(record('old', now - 5_000))
    await one.record(record('b', now - 1_000))
    await one.record(record('c', now))
    // Over the cap the oldest goes, from the list and from rating.
    expect((await one.recent(10_000)).map((r) => r.messageId)).toEqual(['c', 'b'])
    expect(await one.feedback('old', undefined, { rating: 'up' })).toBe('unknown_answer')
    expect((await one.recent(500)).map((r) => r.messageId)).toEqual(['c'])
    // Past the retention of b (not of c): a window longer than the retention shows no more.
    now += 9_500
    expect((await one.recent(10_000)).map((r) => r.messageId)).toEqual(['c'])
  })

  it('each answer expires in Redis with the retention (HISTORY_IDLE_TTL_MS)', async () => {
    const [one] = pair({ retentionMs: 30_000 })
    await one.record(record('ttl', Date.now(), 'alice'))
    const keyTtl = await redis.a.pttl('hedera-assistant:quality:answer:ttl')
    const indexTtl = await redis.a.pttl('hedera-assistant:quality:answers')
    expect(keyTtl).toBeGreaterThan(25_000)
    expect(keyTtl).toBeLessThanOrEqual(30_000)
    expect(indexTtl).toBeGreaterThan(25_000)
  })

  it('leaves out a value it did not write instead of failing the report', async () => {
    const [one] = pair()
    await one.record(record('good', Date.now()))
    await one.record(record('bad', Date.now()))
    await redis.a.hset('hedera-assistant:quality:answer:bad', 'record', '{not json')
    expect((await one.recent(60_000)).map((r) => r.messageId)).toEqual(['good'])
  })
})
