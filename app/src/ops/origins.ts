/** One origin allowlist for CORS and the WebSocket Origin check. */

const LOCALHOST = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/

/** Default (no CORS_ORIGINS): localhost on any port. `*` must be listed explicitly. */
export function createOriginPolicy(origins: string[] | undefined): (origin: string) => boolean {
  if (!origins) return (origin) => LOCALHOST.test(origin)
  if (origins.includes('*')) return () => true
  const allowed = new Set(origins.map((o) => o.toLowerCase()))
  return (origin) => allowed.has(origin.toLowerCase())
}
