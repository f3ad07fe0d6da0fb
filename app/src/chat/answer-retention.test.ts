import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createRetention } from './answer-retention.js'

describe('createRetention', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  function retention(retentionMs: number, retainedMax: number) {
    const forgotten: string[] = []
    const kept = createRetention(retentionMs, retainedMax, (id) => forgotten.push(id), () => Date.now())
    return { kept, forgotten }
  }

  it('forgets each answer retentionMs after it was kept, in order, with answers kept in between', () => {
    const { kept, forgotten } = retention(1000, 100)
    kept.keep('a')
    vi.advanceTimersByTime(400)
    kept.keep('b')
    vi.advanceTimersByTime(599)
    expect(forgotten).toEqual([])
    vi.advanceTimersByTime(1)
    expect(forgotten).toEqual(['a'])
    vi.advanceTimersByTime(399)
    expect(forgotten).toEqual(['a'])
    vi.advanceTimersByTime(1)
    expect(forgotten).toEqual(['a', 'b'])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('forgets the oldest beyond the bound at once, and the rest when their time comes', () => {
    const { kept, forgotten } = retention(1000, 2)
    kept.keep('a')
    kept.keep('b')
    vi.advanceTimersByTime(500)
    kept.keep('c')
    expect(forgotten).toEqual(['a'])
    // The timer armed for 'a' fires early for 'b' and re-arms.
    vi.advanceTimersByTime(500)
    expect(forgotten).toEqual(['a', 'b'])
    vi.advanceTimersByTime(500)
    expect(forgotten).toEqual(['a', 'b', 'c'])
  })

  it('keeps one timer however many answers it holds', () => {
    const { kept } = retention(60_000, 10_000)
    for (let i = 0; i < 1000; i++) kept.keep(`m${i}`)
    expect(vi.getTimerCount()).toBe(1)
  })

  it('keeps nothing with a bound of 0, and close forgets its timer', () => {
    const { kept, forgotten } = retention(1000, 0)
    kept.keep('a')
    expect(forgotten).toEqual(['a'])
    const other = retention(1000, 10)
    other.kept.keep('x')
    other.kept.close()
    expect(vi.getTimerCount()).toBe(0)
    vi.advanceTimersByTime(5000)
    expect(other.forgotten).toEqual([])
  })
})
