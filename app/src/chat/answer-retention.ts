/** Finished answers kept resumable on this instance for a while, and at most so many (oldest go first). */

export interface Retention {
  /** Keeps a finished answer; forgets the oldest beyond the bound. */
  keep(messageId: string): void
  close(): void
}

/**
 * Every answer is kept for the same `retentionMs`, so in insertion order (a Map's) the first one kept is always
 * the first to expire: one timer, for it, instead of a timer per answer (each a Timeout object and a timer-list
 * entry living as long as the answer is kept: at saturation ~2000 a second, promoted and collected as old).
 */
export function createRetention(retentionMs: number, retainedMax: number, forgotten: (messageId: string) => void, now: () => number = () => performance.now()): Retention {
  /** messageId -> when it expires, oldest first. */
  const kept = new Map<string, number>()
  let timer: NodeJS.Timeout | undefined

  function forget(messageId: string): void {
    kept.delete(messageId)
    forgotten(messageId)
  }

  function expire(): void {
    timer = undefined
    const time = now()
    for (const [messageId, expiresAt] of kept) {
      if (expiresAt > time) break
      forget(messageId)
    }
    schedule()
  }

  /** A timer for the oldest entry, unless one is set (it may be early, if that entry went by count: it re-arms). */
  function schedule(): void {
    if (timer || kept.size === 0) return
    const oldest = kept.values().next().value!
    timer = setTimeout(expire, Math.max(0, oldest - now()))
    timer.unref()
  }

  return {
    keep(messageId) {
      kept.delete(messageId)
      kept.set(messageId, now() + retentionMs)
      for (const [oldest] of kept) {
        if (kept.size <= retainedMax) break
        forget(oldest) // with Redis it stays resumable from the shared log
      }
      schedule()
    },
    close() {
      clearTimeout(timer)
      timer = undefined
      kept.clear()
    },
  }
}
