/** Finished answers kept resumable on this instance for a while, and at most so many (oldest go first). */

export interface Retention {
  /** Keeps a finished answer; forgets the oldest beyond the bound. */
  keep(messageId: string): void
  close(): void
}

export function createRetention(retentionMs: number, retainedMax: number, forgotten: (messageId: string) => void): Retention {
  // Oldest first: a Map iterates in insertion order.
  const kept = new Map<string, NodeJS.Timeout>()

  function forget(messageId: string): void {
    clearTimeout(kept.get(messageId))
    kept.delete(messageId)
    forgotten(messageId)
  }

  return {
    keep(messageId) {
      const timer = setTimeout(() => forget(messageId), retentionMs)
      timer.unref()
      kept.set(messageId, timer)
      for (const [oldest] of kept) {
        if (kept.size <= retainedMax) break
        forget(oldest) // with Redis it stays resumable from the shared log
      }
    },
    close() {
      for (const timer of kept.values()) clearTimeout(timer)
      kept.clear()
    },
  }
}
