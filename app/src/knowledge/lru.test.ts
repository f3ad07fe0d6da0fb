import { describe, expect, it } from 'vitest'
import { createLru } from './lru.js'

describe('createLru', () => {
  it('keeps at most max entries, and an entry used lately outlives one that was not', () => {
    const lru = createLru<string, number>(4)
    lru.set('a', 1)
    lru.set('b', 2)
    expect(lru.get('a')).toBe(1)
    lru.set('c', 3)
    lru.set('d', 4)
    // b was never used after it was set: it went first; a, used, is still there, as is the newest.
    expect(lru.get('b')).toBeUndefined()
    expect(lru.get('a')).toBe(1)
    expect(lru.get('d')).toBe(4)
    for (let n = 0; n < 100; n++) {
      lru.set(`k${n}`, n)
      expect(lru.size).toBeLessThanOrEqual(4)
    }
    // The most recent half is always kept.
    expect(lru.get('k98')).toBe(98)
    expect(lru.get('k99')).toBe(99)
  })

  it('keeps an entry that is used at every turn however many others pass through', () => {
    const lru = createLru<string, number>(8)
    lru.set('hot', 0)
    for (let n = 0; n < 1000; n++) {
      lru.set(`cold${n}`, n)
      expect(lru.get('hot')).toBe(0)
    }
  })

  it('replaces a value under the same key without growing, and caches nothing at max 0', () => {
    const lru = createLru<string, number>(2)
    lru.set('a', 1)
    lru.set('a', 5)
    expect(lru.size).toBe(1)
    expect(lru.get('a')).toBe(5)
    const one = createLru<string, number>(1)
    one.set('a', 1)
    one.set('b', 2)
    expect(one.size).toBe(1)
    expect(one.get('b')).toBe(2)
    const off = createLru<string, number>(0)
    off.set('a', 1)
    expect(off.get('a')).toBeUndefined()
    expect(off.size).toBe(0)
  })
})
