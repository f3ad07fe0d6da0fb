import { describe, expect, it } from 'vitest'
import { backoffDelay } from './backoff.js'

const settings = { initialDelayMs: 100, maxDelayMs: 5000 }

describe('backoffDelay', () => {
  it('doubles per attempt between half and all of the cap', () => {
    expect(backoffDelay(0, settings, () => 0)).toBe(50)
    expect(backoffDelay(0, settings, () => 1)).toBe(100)
    expect(backoffDelay(3, settings, () => 0)).toBe(400)
    expect(backoffDelay(3, settings, () => 1)).toBe(800)
  })

  it('never exceeds the maximum, however many attempts failed', () => {
    expect(backoffDelay(10, settings, () => 1)).toBe(5000)
    expect(backoffDelay(1000, settings, () => 1)).toBe(5000)
    expect(backoffDelay(1000, settings, () => 0)).toBe(2500)
  })

  it('spreads clients out: different random draws give different delays', () => {
    const delays = new Set([0.1, 0.4, 0.7, 0.9].map((r) => backoffDelay(4, settings, () => r)))
    expect(delays.size).toBe(4)
  })
})
