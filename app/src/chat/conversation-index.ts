/** Who owns which conversation, its title and recency: the interface, and an in-memory store that has it too. */
import type { ConversationSummary } from '../protocol/wire.js'
import type { ConversationStore, MemoryStoreOptions, Turn } from './conversations.js'

export type { ConversationSummary } from '../protocol/wire.js'

export interface ConversationIndex {
  /** Claims a conversation for a user: true when it is (now) theirs, false when another user owns it. */
  setOwner(conversationId: string, userId: string): Promise<boolean>
  /** The owner, or undefined for an unknown, expired or anonymous conversation. */
  ownerOf(conversationId: string): Promise<string | undefined>
  /** The user's live conversations, most recently updated first, at most `maxPerUser`. */
  listForUser(userId: string): Promise<ConversationSummary[]>
  /** Sets the title of a known conversation; false when it is unknown or expired. */
  rename(conversationId: string, title: string): Promise<boolean>
  /** Forgets the conversation, its history and its place in its owner's list; false when it was unknown. */
  remove(conversationId: string): Promise<boolean>
}

export interface MemoryIndexOptions extends MemoryStoreOptions {
  /** Conversations listed per user; the least recently updated drop off the list (their history stays). */
  maxPerUser: number
}

interface Entry {
  turns: Turn[]
  touchedAt: number
  createdAt: number
  owner?: string
  title?: string
}

/**
 * Single-instance twin of the Redis store: history bounded three ways (turns, idle
 * TTL, LRU count) plus the index. It keeps both in one map because `remove` must forget the history too.
 */
export function createMemoryConversationIndex(options: MemoryIndexOptions): ConversationStore & ConversationIndex {
  const now = options.now ?? Date.now
  // Insertion order = least to most recently touched (re-inserted on every touch), as in the memory store.
  const entries = new Map<string, Entry>()
  const byUser = new Map<string, Set<string>>()

  const expired = (entry: Entry) => now() - entry.touchedAt > options.idleTtlMs
  const drop = (id: string) => {
    const entry = entries.get(id)
    if (!entry) return
    entries.delete(id)
    if (entry.owner === undefined) return
    const owned = byUser.get(entry.owner)
    owned?.delete(id)
    if (owned?.size === 0) byUser.delete(entry.owner)
  }
  const live = (id: string) => {
    const entry = entries.get(id)
    if (entry && expired(entry)) {
      drop(id)
      return undefined
    }
    return entry
  }
  const touch = (id: string, entry: Entry) => {
    entry.touchedAt = now()
    entries.delete(id)
    entries.set(id, entry)
    if (entry.owner !== undefined) {
      const owned = byUser.get(entry.owner) ?? new Set<string>()
      byUser.set(entry.owner, owned)
      // Re-insert so the Set stays ordered by last update; the least recent past maxPerUser leave the list.
      owned.delete(id)
      owned.add(id)
      while (owned.size > options.maxPerUser) {
        const oldest = owned.values().next().value
        if (oldest === undefined) break
        owned.delete(oldest)
      }
    }
    while (entries.size > options.maxConversations) {
      const oldest = entries.keys().next().value
      if (oldest === undefined) break
      drop(oldest)
    }
  }
  const sweep = () => {
    for (const [id, entry] of entries) {
      if (!expired(entry)) break // ordered by touch time: the rest are fresher
      drop(id)
    }
  }
  const timer = setInterval(sweep, Math.min(options.idleTtlMs, 60_000))
  timer.unref()

  return {
    async history(conversationId) {
      return live(conversationId)?.turns.slice() ?? []
    },
    async append(conversationId, turns) {
      const entry = live(conversationId) ?? { turns: [], touchedAt: now(), createdAt: now() }
      entry.turns = options.maxTurns === 0 ? [] : [...entry.turns, ...turns].slice(-options.maxTurns)
      touch(conversationId, entry)
    },
    size: () => entries.size,
    async close() {
      clearInterval(timer)
      entries.clear()
      byUser.clear()
    },

    async setOwner(conversationId, userId) {
      const entry = live(conversationId) ?? { turns: [], touchedAt: now(), createdAt: now() }
      if (entry.owner !== undefined && entry.owner !== userId) return false
      entry.owner = userId
      touch(conversationId, entry)
      return true
    },
    async ownerOf(conversationId) {
      return live(conversationId)?.owner
    },
    async listForUser(userId) {
      const owned = byUser.get(userId)
      if (!owned) return []
      const list: ConversationSummary[] = []
      for (const id of [...owned]) {
        const entry = live(id)
        if (!entry) continue
        list.push({ conversationId: id, createdAt: entry.createdAt, updatedAt: entry.touchedAt, ...(entry.title !== undefined ? { title: entry.title } : {}) })
      }
      return list.sort((x, y) => y.updatedAt - x.updatedAt)
    },
    async rename(conversationId, title) {
      const entry = live(conversationId)
      if (!entry) return false
      entry.title = title
      return true
    },
    async remove(conversationId) {
      if (!live(conversationId)) return false
      drop(conversationId)
      return true
    },
  }
}
