import { describe, expect, it } from 'vitest'
import { periodKey, periodTtlSeconds, secondsToPeriodEnd } from './budget-period.js'

describe('budget periods', () => {
  it('names the UTC day and the UTC calendar month', () => {
    const lastSecondOfJan = Date.UTC(2026, 0, 31, 23, 59, 59)
    expect(periodKey(lastSecondOfJan, 'month')).toBe('m2026-01')
    expect(periodKey(lastSecondOfJan + 1000, 'month')).toBe('m2026-02')
    expect(periodKey(lastSecondOfJan, 'day')).not.toBe(periodKey(lastSecondOfJan + 1000, 'day'))
    expect(periodKey(Date.UTC(2026, 11, 31, 12), 'month')).toBe('m2026-12')
  })

  it('counts the seconds to the end of the day or the month, across the year end', () => {
    expect(secondsToPeriodEnd(Date.UTC(2026, 0, 1, 23, 59, 59, 500), 'day')).toBe(1)
    expect(secondsToPeriodEnd(Date.UTC(2026, 1, 1), 'month')).toBe(28 * 86_400)
    expect(secondsToPeriodEnd(Date.UTC(2026, 11, 31, 23, 0, 0), 'month')).toBe(3600)
    expect(secondsToPeriodEnd(Date.UTC(2028, 1, 1), 'month')).toBe(29 * 86_400)
  })

  it('keeps a counter longer than its longest period', () => {
    expect(periodTtlSeconds('month')).toBeGreaterThan(31 * 86_400)
    expect(periodTtlSeconds('day')).toBeGreaterThan(86_400)
  })
})
