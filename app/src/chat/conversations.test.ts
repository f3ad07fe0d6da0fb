import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryConversationIndex } from './conversation-index.js'
import type { ConversationStore } from './conversations.js'

let store: ConversationStore | undefined
afterEach(async () => {
  await store?.close()
})

const turn = (n: number) => ({ role: n % 2 ? ('assistant' as const) : ('user' as const), content: `t${n}` })

describe('in-memory conversation store: bounded three ways', () => {
  it('keeps only the most recent HISTORY_MAX_TURNS turns, oldest first', async () => {
    store = createMemoryConversationIndex({ maxPerUser: 10, maxTurns: 4, idleTtlMs: 60_000, maxConversations: 10 })
    await store.append('c', [turn(0), turn(1)])
    await store.append('c', [turn(2), turn(3)])
    await store.append('c', [turn(4), turn(5)])
    expect((await store.history('c')).map((t) => t.content)).toEqual(['t2', 't3', 't4', 't5'])
  })

  it('forgets a conversation idle for longer than the TTL', async () => {
    let now = 1_000
    store = createMemoryConversationIndex({ maxPerUser: 10, maxTurns: 10, idleTtlMs: 500, maxConversations: 10, now: () => now })
    await store.append('c', [turn(0)])
    now += 400
    expect(await store.history('c')).toHaveLength(1)
    now += 501
    expect(await store.history('c')).toEqual([])
    expect(store.size()).toBe(0)
  })

  it('holds at most maxConversations, dropping the least recently used', async () => {
    let now = 0
    store = createMemoryConversationIndex({ maxPerUser: 10, maxTurns: 10, idleTtlMs: 60_000, maxConversations: 2, now: () => ++now })
    await store.append('a', [turn(0)])
    await store.append('b', [turn(0)])
    await store.append('a', [turn(1)]) // a is now the most recent
    await store.append('c', [turn(0)]) // evicts b
    expect(store.size()).toBe(2)
    expect(await store.history('b')).toEqual([])
    expect(await store.history('a')).toHaveLength(2)
    expect(await store.history('c')).toHaveLength(1)
  })

  it('stores nothing with maxTurns 0', async () => {
    store = createMemoryConversationIndex({ maxPerUser: 10, maxTurns: 0, idleTtlMs: 60_000, maxConversations: 2 })
    await store.append('a', [turn(0)])
    expect(await store.history('a')).toEqual([])
  })
})
