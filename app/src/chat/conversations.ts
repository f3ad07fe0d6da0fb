/** Conversation history behind a small store interface (in memory: conversation-index.ts; Redis: redis-conversations.ts). */

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
