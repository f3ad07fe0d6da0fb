/** Rate limits and the daily spend cap behind one interface; the in-memory limiter holds per instance. */

export type LimitName = 'connections' | 'chats' | 'concurrent_answers' | 'sockets' | 'daily_tokens'

export interface Refusal {
  limit: LimitName
  /** Seconds until trying again can succeed. */
  retryAfter: number
  error: string
}

export interface Slot {
  release(): void
}

export interface LimitSettings {
  connectionsPerWindow: number
  chatsPerWindow: number
  concurrentAnswers: number
  socketsPerUser: number
  dailyTokens: number
  /** The window of the per-window limits (60 000 ms: "per minute"). */
  windowMs: number
}

/** Every method is async so a shared (Redis) limiter fits the same seam. A limit of 0 is off. */
export interface Limiter {
  /** Takes one token of a per-window bucket. */
  hit(key: string, bucket: 'connections' | 'chats'): Promise<Refusal | undefined>
  /** Holds one of a bounded number of slots until released. */
  acquire(key: string, kind: 'concurrent_answers' | 'sockets'): Promise<Slot | Refusal>
  /** Refuses once today's tokens (UTC day) are spent. */
  checkSpend(key: string): Promise<Refusal | undefined>
  spend(key: string, tokens: number): Promise<void>
}

export const isRefusal = (value: object | undefined): value is Refusal => value !== undefined && 'limit' in value

const NOOP_SLOT: Slot = { release() {} }

export function secondsToUtcMidnight(now: number): number {
  const next = new Date(now)
  next.setUTCHours(24, 0, 0, 0)
  return Math.max(1, Math.ceil((next.getTime() - now) / 1000))
}

export const REFUSAL_TEXT: Record<LimitName, string> = {
  connections: 'Too many new connections; wait and reconnect',
  chats: 'Too many questions in a short time; wait a moment',
  concurrent_answers: 'Too many answers streaming at once; wait for one to finish',
  sockets: 'Too many open connections for this user; close one first',
  daily_tokens: 'The daily token budget is spent; it resets at midnight UTC',
}

export function createMemoryLimiter(settings: LimitSettings, now: () => number = Date.now): Limiter {
  const buckets = new Map<string, { tokens: number; at: number }>()
  const held = new Map<string, number>()
  const spent = new Map<string, { day: number; tokens: number }>()
  const day = () => Math.floor(now() / 86_400_000)

  // Buckets refill continuously, so a full bucket is the same as no entry: forget those to bound memory.
  const sweep = setInterval(() => {
    for (const [key, bucket] of buckets) if (now() - bucket.at > settings.windowMs) buckets.delete(key)
    for (const [key, entry] of spent) if (entry.day !== day()) spent.delete(key)
  }, Math.max(settings.windowMs, 1000))
  sweep.unref()

  return {
    async hit(key, bucket) {
      const capacity = bucket === 'connections' ? settings.connectionsPerWindow : settings.chatsPerWindow
      if (capacity === 0) return undefined
      const id = `${bucket}:${key}`
      const ratePerMs = capacity / settings.windowMs
      const entry = buckets.get(id) ?? { tokens: capacity, at: now() }
      const tokens = Math.min(capacity, entry.tokens + (now() - entry.at) * ratePerMs)
      if (tokens < 1) {
        buckets.set(id, { tokens, at: now() })
        return { limit: bucket, retryAfter: Math.max(1, Math.ceil((1 - tokens) / ratePerMs / 1000)), error: REFUSAL_TEXT[bucket] }
      }
      buckets.set(id, { tokens: tokens - 1, at: now() })
      return undefined
    },
    async acquire(key, kind) {
      const max = kind === 'sockets' ? settings.socketsPerUser : settings.concurrentAnswers
      if (max === 0) return NOOP_SLOT
      const id = `${kind}:${key}`
      const count = held.get(id) ?? 0
      if (count >= max) return { limit: kind, retryAfter: kind === 'sockets' ? 60 : 5, error: REFUSAL_TEXT[kind] }
      held.set(id, count + 1)
      let released = false
      return {
        release() {
          if (released) return
          released = true
          const left = (held.get(id) ?? 1) - 1
          if (left <= 0) held.delete(id)
          else held.set(id, left)
        },
      }
    },
    async checkSpend(key) {
      if (settings.dailyTokens === 0) return undefined
      const entry = spent.get(key)
      if (entry && entry.day === day() && entry.tokens >= settings.dailyTokens) {
        return { limit: 'daily_tokens', retryAfter: secondsToUtcMidnight(now()), error: REFUSAL_TEXT.daily_tokens }
      }
      return undefined
    },
    async spend(key, tokens) {
      if (settings.dailyTokens === 0) return
      const entry = spent.get(key)
      spent.set(key, { day: day(), tokens: (entry && entry.day === day() ? entry.tokens : 0) + tokens })
    },
  }
}
