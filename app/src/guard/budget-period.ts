/** The token budget's period: a UTC day or a UTC calendar month; which one `now` falls in and when it ends. */

export type BudgetPeriod = 'day' | 'month'

/** A key naming the period `now` falls in (`d20445`, `m2026-12`): spend counters are kept per key. */
export function periodKey(now: number, period: BudgetPeriod): string {
  if (period === 'day') return `d${Math.floor(now / 86_400_000)}`
  const date = new Date(now)
  return `m${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`
}

/** Seconds until the period `now` falls in ends (at least 1): the Retry-After of a spent budget. */
export function secondsToPeriodEnd(now: number, period: BudgetPeriod): number {
  const date = new Date(now)
  const end = period === 'day'
    ? Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1)
    : Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1)
  return Math.max(1, Math.ceil((end - now) / 1000))
}

/** How long a spend counter must outlive its period's start: the longest period plus a day of margin. */
export const periodTtlSeconds = (period: BudgetPeriod): number => (period === 'day' ? 2 * 86_400 : 32 * 86_400)
