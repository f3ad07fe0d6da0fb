/** Conversation history behind a small store interface; the in-memory store is bounded three ways. */

export interface Turn {
  role: 'user' | 'assistant'
  content: string
}

export interface ConversationStore {
  /** The most recent turns of a conversation, oldest first (empty when unknown or expired). */
  history(conversationId: string): Promise<Turn[]>
  /** Appends turns; the store keeps only the most recent ones. */
  append(conversationId: string, turns: Turn[]): Promise<void>
  /** Conversations currently held (for stats and tests). */
  size(): number
  close(): Promise<void>
}

export interface MemoryStoreOptions {
  /** Turns kept per conversation (a turn is one user or assistant message). */
  maxTurns: number
  /** A conversation untouched for this long is forgotten. */
  idleTtlMs: number
  /** At most this many conversations; the least recently used goes first. */
  maxConversations: number
  now?: () => number
}

interface Entry {
  turns: Turn[]
  touchedAt: number
}

export function createMemoryConversationStore(options: MemoryStoreOptions): ConversationStore {
  const now = options.now ?? Date.now
  // A Map iterates in insertion order: re-inserting on every touch keeps it ordered least- to most-recent.
  const entries = new Map<string, Entry>()

  const expired = (entry: Entry) => now() - entry.touchedAt > options.idleTtlMs
  const sweep = () => {
    for (const [id, entry] of entries) {
      if (!expired(entry)) break // ordered by touch time: the rest are fresher
      entries.delete(id)
    }
  }
  const timer = setInterval(sweep, Math.min(options.idleTtlMs, 60_000))
  timer.unref()

  return {
    async history(conversationId) {
      const entry = entries.get(conversationId)
      if (!entry) return []
      if (expired(entry)) {
        entries.delete(conversationId)
        return []
      }
      return entry.turns.slice()
    },
    async append(conversationId, turns) {
      const entry = entries.get(conversationId)
      const kept = entry && !expired(entry) ? entry.turns : []
      const next = [...kept, ...turns]
      entries.delete(conversationId)
      entries.set(conversationId, { turns: options.maxTurns === 0 ? [] : next.slice(-options.maxTurns), touchedAt: now() })
      while (entries.size > options.maxConversations) {
        const oldest = entries.keys().next().value
        if (oldest === undefined) break
        entries.delete(oldest)
      }
    },
    size: () => entries.size,
    async close() {
      clearInterval(timer)
      entries.clear()
    },
  }
}
