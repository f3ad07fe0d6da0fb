/** Reconnect delays: exponential, capped, with jitter so a restarted server is not hit by every client at once. */

export interface BackoffSettings {
  /** The first delay's upper bound. */
  initialDelayMs: number
  /** No delay is longer than this. */
  maxDelayMs: number
}

/**
 * "Equal jitter": half the capped exponential delay, plus a random part of the other half, so a delay is
 * never zero (no hot loop against a refusing server) and clients spread out.
 */
export function backoffDelay(attempt: number, settings: BackoffSettings, random: () => number = Math.random): number {
  const cap = Math.min(settings.maxDelayMs, settings.initialDelayMs * 2 ** Math.min(attempt, 30))
  return Math.round(cap / 2 + random() * (cap / 2))
}
