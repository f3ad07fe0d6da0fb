/** The client's address: X-Forwarded-For is believed only for the configured number of trusted proxy hops. */

/**
 * Each trusted proxy appends the address it saw, so with N hops the client is the Nth entry from the right.
 * Anything left of that was written by the client and is ignored; with 0 hops the header is ignored entirely.
 */
export function clientIp(remoteAddress: string | undefined, forwardedFor: string | undefined, trustedHops: number): string {
  const direct = remoteAddress ?? 'unknown'
  if (trustedHops === 0 || !forwardedFor) return direct
  const hops = forwardedFor.split(',').map((s) => s.trim()).filter(Boolean)
  return hops[hops.length - trustedHops] ?? hops[0] ?? direct
}
