/** A small bounded least-recently-used cache over a Map (insertion order is recency order). */

export interface Lru<K, V> {
  get(key: K): V | undefined
  set(key: K, value: V): void
  readonly size: number
}

/** A cache holding at most `max` entries; `max` 0 caches nothing. */
export function createLru<K, V>(max: number): Lru<K, V> {
  const entries = new Map<K, V>()
  return {
    get(key) {
      const value = entries.get(key)
      if (value === undefined) return undefined
      // Re-insert so this entry becomes the most recent one.
      entries.delete(key)
      entries.set(key, value)
      return value
    },
    set(key, value) {
      if (max <= 0) return
      entries.delete(key)
      entries.set(key, value)
      if (entries.size > max) entries.delete(entries.keys().next().value as K)
    },
    get size() {
      return entries.size
    },
  }
}
