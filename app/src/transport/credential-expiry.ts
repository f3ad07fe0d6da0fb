/** Fires once when a credential expires, however far ahead: setTimeout holds at most 2^31-1 ms (24.8 days). */

/** The longest delay setTimeout honours; a longer one fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1

/** Calls `onExpired` at `expiresAt` (ms since epoch), re-arming in steps; returns the cancel. */
export function armExpiry(expiresAt: number, onExpired: () => void, now: () => number = Date.now): () => void {
  let timer: NodeJS.Timeout | undefined
  const arm = () => {
    const left = expiresAt - now()
    if (left <= 0) return onExpired()
    timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS))
    timer.unref()
  }
  arm()
  return () => clearTimeout(timer)
}
