/** Creates production-configured ioredis clients, waits for the first connection, and tracks health. */
import { Redis, type RedisOptions } from 'ioredis'

export interface RedisConnectionOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://...` for TLS. */
  url: string
  /** Wins over a password in the URL (it usually comes from a secret, the URL from plain config). */
  password?: string | undefined
  /** Shown in CLIENT LIST, so an operator can tell instances and roles apart. */
  name: string
  /** How long one connection attempt may take before it counts as failed. */
  connectTimeoutMs?: number | undefined
  /** Extra CA certificate (PEM) to trust for `rediss://`, e.g. a managed Redis' server CA. */
  caPem?: string | undefined
}

/**
 * A command issued while Redis is unreachable waits through at most this many reconnect attempts, then fails
 * with MaxRetriesPerRequestError, so an answer fails in about a second or two instead of hanging forever.
 */
export const MAX_RETRIES_PER_REQUEST = 2
const MAX_BACKOFF_MS = 1_000

const display = new WeakMap<Redis, string>()
const lastError = new WeakMap<Redis, Error>()

/** The URL without credentials: the only form of it that may reach a log or an error message. */
export function safeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}`
  } catch {
    return '(unparsable REDIS_URL)'
  }
}

/**
 * Decisions:
 * - `enableOfflineQueue: true`: commands issued during the first connect or a reconnect blip (a failover, a
 *   restart) wait for the connection instead of failing at once; `maxRetriesPerRequest` bounds that wait, so
 *   the queue cannot grow forever while Redis stays down. With it off, every sub-second blip would fail
 *   every command in flight.
 * - reconnect forever with capped exponential backoff plus jitter: Redis coming back must heal the instance
 *   without a restart, and jitter stops all instances reconnecting in lockstep.
 * - `reconnectOnError` on READONLY: after a managed failover the old primary answers READONLY; reconnecting
 *   (and resending the command) reaches the new primary.
 */
export function createRedis(options: RedisConnectionOptions): Redis {
  let parsed: URL
  try {
    parsed = new URL(options.url)
  } catch {
    throw new Error(`REDIS_URL is not a URL; expected redis://host:port or rediss://host:port`)
  }
  const tls = parsed.protocol === 'rediss:'
  if (!tls && parsed.protocol !== 'redis:') {
    throw new Error(`REDIS_URL must start with redis:// or rediss:// (got ${parsed.protocol}//)`)
  }
  if (!/^[A-Za-z0-9._:-]{1,64}$/.test(options.name)) {
    throw new Error(`Redis connection name must be 1-64 letters, digits, '.', '_', ':' or '-' (got ${JSON.stringify(options.name)})`)
  }
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0
  if (!Number.isInteger(db) || db < 0) throw new Error(`REDIS_URL database must be a whole number (got ${parsed.pathname.slice(1)})`)
  const password = options.password ?? (parsed.password ? decodeURIComponent(parsed.password) : undefined)
  const redisOptions: RedisOptions = {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : 6379,
    db,
    connectionName: options.name,
    connectTimeout: options.connectTimeoutMs ?? 5_000,
    maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(50 * 2 ** times, MAX_BACKOFF_MS) + Math.floor(Math.random() * 100),
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(password ? { password } : {}),
    ...(tls ? { tls: options.caPem ? { ca: options.caPem } : {} } : {}),
  }
  const client = new Redis(redisOptions)
  display.set(client, safeRedisUrl(options.url))
  // Without a listener ioredis prints every failed reconnect to the console; trackHealth reports them instead.
  client.on('error', (error: Error) => lastError.set(client, error))
  return client
}

/** A short reason for a connection error: its code (ECONNREFUSED, ENOTFOUND, WRONGPASS...) or its message. */
export function errorReason(error: Error | undefined): string {
  if (!error) return 'no answer'
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string' && code) return code
  const first = error.message.split(/\s/)[0] ?? ''
  return /^[A-Z]{3,}$/.test(first) ? first : error.message.split('\n')[0] ?? 'error'
}

const isAuthFailure = (error: Error) => /^(WRONGPASS|NOAUTH|NOPERM)\b/.test(error.message)

function describe(client: Redis): string {
  return display.get(client) ?? `${client.options.tls ? 'rediss' : 'redis'}://${client.options.host}:${client.options.port}`
}

/**
 * Resolves once the client is ready. Rejects with one line naming the host (never the password) when it is
 * not ready within `timeoutMs`, when the client gave up, or at once when Redis refuses the credentials.
 */
export function waitReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve()
  if (client.status === 'end') return Promise.reject(new Error(`Redis client for ${describe(client)} was closed; create a new one`))
  return new Promise((resolve, reject) => {
    let latest = lastError.get(client)
    const finish = (error?: Error) => {
      clearTimeout(timer)
      client.off('ready', onReady)
      client.off('error', onError)
      client.off('end', onEnd)
      if (error) reject(error)
      else resolve()
    }
    const unreachable = () =>
      new Error(`Cannot reach Redis at ${describe(client)} (${errorReason(latest)}); check REDIS_URL and the network`)
    const onReady = () => finish()
    const onError = (error: Error) => {
      latest = error
      if (isAuthFailure(error)) {
        finish(new Error(`Redis at ${describe(client)} refused the credentials (${errorReason(error)}); check REDIS_PASSWORD and REDIS_URL`))
      }
    }
    const onEnd = () => finish(unreachable())
    const timer = setTimeout(() => finish(unreachable()), timeoutMs)
    client.on('ready', onReady)
    client.on('error', onError)
    client.on('end', onEnd)
  })
}

export interface HealthTracker {
  readonly healthy: boolean
  readonly reason: string | undefined
  /** Removes the listeners. */
  stop(): void
}

/** Calls `onChange` each time the client flips between usable (ready) and not (error, close, end). */
export function trackHealth(client: Redis, onChange: (healthy: boolean, reason?: string) => void): HealthTracker {
  let healthy = client.status === 'ready'
  let reason: string | undefined = healthy ? undefined : client.status
  const set = (next: boolean, why?: string) => {
    if (next === healthy) return
    healthy = next
    reason = why
    onChange(next, why)
  }
  const onReady = () => set(true)
  // The first event of an outage carries the best reason: the error's code comes before the close.
  const onError = (error: Error) => set(false, errorReason(error))
  const onClose = () => set(false, 'connection closed')
  const onEnd = () => set(false, 'connection ended')
  client.on('ready', onReady)
  client.on('error', onError)
  client.on('close', onClose)
  client.on('end', onEnd)
  return {
    get healthy() {
      return healthy
    },
    get reason() {
      return reason
    },
    stop() {
      client.off('ready', onReady)
      client.off('error', onError)
      client.off('close', onClose)
      client.off('end', onEnd)
    },
  }
}

/** The replies of a MULTI or pipeline; throws the first command's error (ioredis resolves EXEC with them instead of rejecting). */
export function execResults(replies: [Error | null, unknown][] | null): unknown[] {
  if (!replies) throw new Error('Redis transaction was aborted')
  for (const [error] of replies) if (error) throw error
  return replies.map(([, value]) => value)
}
