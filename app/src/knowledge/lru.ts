/**
 * A small bounded cache that keeps what is used: two generations of Maps. Entries go into the young one; when it is
 * full it becomes the old one and the previous old one is dropped. A hit in the young generation is a single
 * Map lookup (a strict LRU re-inserted the entry on every hit, which cost more than the hit saved on the path of
 * every question); a hit in the old one moves the entry to the young one, so what is used survives the next turn.
 */

export interface Lru<K, V> {
  get(key: K): V | undefined
  set(key: K, value: V): void
  readonly size: number
}

/** A cache holding at most `max` entries; `max` 0 caches nothing. */
export function createLru<K, V>(max: number): Lru<K, V> {
  // The young generation turns old at half of `max` (rounded up): the two together never hold more than `max`.
  const youngMax = Math.ceil(max / 2)
  let young = new Map<K, V>()
  let old = new Map<K, V>()

  function put(key: K, value: V): void {
    young.set(key, value)
    if (young.size < youngMax) return
    old = young
    young = new Map()
  }

  return {
    get(key) {
      const value = young.get(key)
      if (value !== undefined) return value
      const aged = old.get(key)
      if (aged === undefined) return undefined
      old.delete(key)
      put(key, aged)
      return aged
    },
    set(key, value) {
      if (max <= 0) return
      if (young.has(key)) return void young.set(key, value)
      old.delete(key)
      put(key, value)
    },
    get size() {
      return young.size + old.size
    },
  }
}
