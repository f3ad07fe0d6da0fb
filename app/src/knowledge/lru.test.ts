import { describe, expect, it } from 'vitest'
import { createLru } from './lru.js'

describe('createLru', () => {
  it('keeps at most max entries and drops the least recently used', () => {
    const lru = createLru<string, number>(2)
    lru.set('a', 1)
    lru.set('b', 2)
    expect(lru.get('a')).toBe(1)
    lru.set('c', 3)
    expect(lru.get('b')).toBeUndefined()
    expect(lru.get('a')).toBe(1)
    expect(lru.get('c')).toBe(3)
    expect(lru.size).toBe(2)
  })

  it('replaces a value under the same key without growing, and caches nothing at max 0', () => {
    const lru = createLru<string, number>(2)
    lru.set('a', 1)
    lru.set('a', 5)
    expect(lru.size).toBe(1)
    expect(lru.get('a')).toBe(5)
    const off = createLru<string, number>(0)
    off.set('a', 1)
    expect(off.get('a')).toBeUndefined()
    expect(off.size).toBe(0)
  })
})
