import { describe, expect, it } from 'vitest'
import { questionKey } from './quality-report.js'
import { createMemoryQualityStore, type AnswerRecord } from './quality-store.js'

const record = (messageId: string, at: number, userId?: string): AnswerRecord => ({ messageId, userId, at, sources: [], signals: [], unknownNames: 0 })

describe('createMemoryQualityStore', () => {
  it('forgets records older than the retention, and the oldest beyond the cap', async () => {
    let now = 1000
    const store = createMemoryQualityStore({ retentionMs: 100, maxEntries: 2, now: () => now })
    await store.record(record('a', now))
    now += 50
    await store.record(record('b', now))
    await store.record(record('c', now))
    expect((await store.recent(1000)).map((r) => r.messageId)).toEqual(['c', 'b'])
    now += 60
    expect((await store.recent(1000)).map((r) => r.messageId)).toEqual(['c', 'b'])
    now += 50
    expect(await store.recent(1000)).toEqual([])
  })

  it('takes one rating per answer, from its owner, and marks a down vote as a signal', async () => {
    const store = createMemoryQualityStore({ retentionMs: 1000, maxEntries: 10 })
    await store.record(record('m', Date.now(), 'alice'))
    expect(await store.feedback('m', 'bob', { rating: 'down' })).toBe('forbidden')
    expect(await store.feedback('m', undefined, { rating: 'down' })).toBe('forbidden')
    expect(await store.feedback('x', 'alice', { rating: 'down' })).toBe('unknown_answer')
    expect(await store.feedback('m', 'alice', { rating: 'down', reason: 'wrong' })).toBe('saved')
    expect(await store.feedback('m', 'alice', { rating: 'up' })).toBe('already_rated')
    expect((await store.recent(1000))[0]).toMatchObject({ signals: ['downvoted'], feedback: { rating: 'down', reason: 'wrong' } })
  })
})

describe('questionKey', () => {
  it('gives rephrasings of one question the same key', () => {
    expect(questionKey('How do I mint an NFT?')).toEqual(questionKey('mint NFTs how'))
    expect(questionKey('How do I mint an NFT?')).not.toEqual(questionKey('How do I burn an NFT?'))
  })
})
