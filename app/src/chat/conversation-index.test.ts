/** The in-memory conversation index: the same owner, list, rename and remove rules as the Redis store. */
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryConversationIndex } from './conversation-index.js'

type Store = ReturnType<typeof createMemoryConversationIndex>
let store: Store | undefined
afterEach(async () => {
  await store?.close()
})

const turn = (n: number) => ({ role: n % 2 ? ('assistant' as const) : ('user' as const), content: `t${n}` })

describe('in-memory conversation index', () => {
  it('keeps history like the memory store: trimmed to maxTurns', async () => {
    store = createMemoryConversationIndex({ maxTurns: 2, idleTtlMs: 60_000, maxConversations: 10, maxPerUser: 10 })
    await store.append('c', [turn(0), turn(1), turn(2)])
    expect(await store.history('c')).toEqual([turn(1), turn(2)])
  })

  it('claims for the first user, lists most recent first, trims the list, renames, removes', async () => {
    let now = 1_000
    store = createMemoryConversationIndex({ maxTurns: 10, idleTtlMs: 60_000, maxConversations: 100, maxPerUser: 3, now: () => now })
    for (const id of ['c1', 'c2', 'c3']) {
      now += 10
      expect(await store.setOwner(id, 'alice')).toBe(true)
    }
    expect(await store.setOwner('c1', 'bob')).toBe(false)
    expect(await store.ownerOf('c1')).toBe('alice')
    now += 10
    await store.append('c1', [turn(0)])
    expect((await store.listForUser('alice')).map((c) => c.conversationId)).toEqual(['c1', 'c3', 'c2'])
    now += 10
    await store.setOwner('c4', 'alice')
    expect((await store.listForUser('alice')).map((c) => c.conversationId)).toEqual(['c4', 'c1', 'c3'])

    expect(await store.rename('c1', 'Tokens')).toBe(true)
    expect(await store.rename('nope', 'x')).toBe(false)
    expect((await store.listForUser('alice'))[1]).toEqual({ conversationId: 'c1', title: 'Tokens', createdAt: 1_010, updatedAt: 1_040 })

    expect(await store.remove('c1')).toBe(true)
    expect(await store.remove('c1')).toBe(false)
    expect(await store.history('c1')).toEqual([])
    expect(await store.ownerOf('c1')).toBeUndefined()
    expect((await store.listForUser('alice')).map((c) => c.conversationId)).toEqual(['c4', 'c3'])
    expect(await store.setOwner('c1', 'bob')).toBe(true)
  })

  it('forgets owner, title and list entry of an idle conversation', async () => {
    let now = 1_000
    store = createMemoryConversationIndex({ maxTurns: 10, idleTtlMs: 500, maxConversations: 100, maxPerUser: 10, now: () => now })
    await store.setOwner('c', 'alice')
    await store.rename('c', 'old')
    now += 501
    expect(await store.ownerOf('c')).toBeUndefined()
    expect(await store.listForUser('alice')).toEqual([])
    expect(await store.rename('c', 'x')).toBe(false)
    expect(store.size()).toBe(0)
  })

  it('evicts the least recently used conversation past maxConversations, from its owner’s list too', async () => {
    store = createMemoryConversationIndex({ maxTurns: 10, idleTtlMs: 60_000, maxConversations: 2, maxPerUser: 10 })
    await store.setOwner('c1', 'alice')
    await store.setOwner('c2', 'alice')
    await store.append('c3', [turn(0)])
    expect(store.size()).toBe(2)
    expect((await store.listForUser('alice')).map((c) => c.conversationId)).toEqual(['c2'])
  })
})
