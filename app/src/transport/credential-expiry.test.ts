import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { armExpiry, MAX_TIMER_MS } from './credential-expiry.js'

const DAY = 86_400_000

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('armExpiry', () => {
  it('an expiry 30 days ahead (past the 24.8-day setTimeout limit) fires after 30 days, not at once', () => {
    const expired = vi.fn()
    armExpiry(Date.now() + 30 * DAY, expired)
    vi.advanceTimersByTime(1)
    expect(expired).not.toHaveBeenCalled()
    vi.advanceTimersByTime(MAX_TIMER_MS)
    expect(expired).not.toHaveBeenCalled()
    vi.advanceTimersByTime(30 * DAY - MAX_TIMER_MS - 2)
    expect(expired).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(expired).toHaveBeenCalledTimes(1)
  })

  it('an expiry in the past fires at once; a cancelled one never fires', () => {
    const past = vi.fn()
    armExpiry(Date.now() - 1, past)
    expect(past).toHaveBeenCalledTimes(1)
    const cancelled = vi.fn()
    const cancel = armExpiry(Date.now() + 1000, cancelled)
    cancel()
    vi.advanceTimersByTime(2000)
    expect(cancelled).not.toHaveBeenCalled()
  })
})
