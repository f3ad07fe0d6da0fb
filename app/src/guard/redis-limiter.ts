/** The Limiter on a shared Redis: rate buckets, held slots and the token budget hold across every server instance. */
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { periodKey, periodTtlSeconds } from './budget-period.js'
import { budgetRefusal, REFUSAL_TEXT, type Limiter, type LimitSettings, type Refusal, type Slot } from './limits.js'

export type RedisLimiterOperation = 'hit' | 'acquire' | 'release' | 'refresh' | 'checkSpend' | 'spend'

export interface RedisLimiterOptions {
  /** Keeps deployments (and tests) sharing one Redis apart. */
  keyPrefix?: string
  /** How long a slot outlives its holder's last refresh: a crashed instance's slots free up after this. */
  slotTtlMs?: number
  /** Longest wait for one limiter command before allowing anyway. */
  commandTimeoutMs?: number
  /** A command that failed or timed out; the limiter allowed the request. For logs and metrics. */
  onError?: (error: unknown, operation: RedisLimiterOperation) => void
}

export interface RedisLimiter extends Limiter {
  /**
   * Stops refreshing every held slot without releasing it, so each lapses after the slot TTL as a crashed
   * instance's would. For shutdown (the sockets are closing anyway) and for tests.
   */
  stop(): void
}

const DEFAULT_SLOT_TTL_MS = 10 * 60_000
const DEFAULT_COMMAND_TIMEOUT_MS = 500

// Every script reads the clock from Redis (TIME), so instances with skewed clocks see one time.
// replicate_commands: Redis before 5 refuses writes after TIME without it; later versions ignore it.
const SERVER_NOW = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`

/**
 * KEYS[1] bucket hash {tokens, at}; ARGV capacity, windowMs. Refills continuously at capacity per window,
 * takes one token when there is a whole one, and returns 0 (taken) or the ms until the next whole token.
 * The refusal also stores the refilled state, exactly as the memory limiter does.
 */
const HIT_LUA = `${SERVER_NOW}
local capacity = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local rate = capacity / window
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = capacity
  at = now
end
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens < 1 then
  wait = math.ceil((1 - tokens) / rate)
else
  tokens = tokens - 1
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%d', now))
redis.call('PEXPIRE', KEYS[1], window)
return wait
`

/**
 * KEYS[1] zset of slot ids scored by expiry; ARGV max, slot id, ttlMs. Drops lapsed slots, then admits the
 * slot when fewer than max are held. Returns 1 (held) or 0 (refused).
 */
const ACQUIRE_LUA = `${SERVER_NOW}
local ttl = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%d', now))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], string.format('%d', now + ttl), ARGV[2])
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
`

/**
 * KEYS[1] zset; ARGV slot id, ttlMs. Pushes a live slot's expiry forward. Plain ZADD rather than XX: if the
 * member vanished while the holder lives (Redis restarted without persistence, or the instance stalled past
 * the TTL) the slot is still really in use, so putting it back keeps the count true.
 */
const REFRESH_LUA = `${SERVER_NOW}
local ttl = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], string.format('%d', now + ttl), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
`

type Scripted = Redis & {
  assistantLimitHit(key: string, capacity: number, windowMs: number): Promise<number>
  assistantLimitAcquire(key: string, max: number, id: string, ttlMs: number): Promise<number>
  assistantLimitRefresh(key: string, id: string, ttlMs: number): Promise<number>
}

/**
 * Decisions:
 * - Fail open: a command that fails or exceeds `commandTimeoutMs` allows the request and reports to `onError`.
 *   An outage of the limiter store should not take the chat down on its own; and when the Redis that holds
 *   conversations is down the answers are refused by the server anyway. The timeout matters because a
 *   black-holed Redis keeps commands queued far longer than maxRetriesPerRequest suggests.
 * - Scripts go through defineCommand (EVALSHA, with EVAL on NOSCRIPT after a Redis restart), one key each,
 *   so they run on a cluster too.
 * - The spend counter's UTC day or month comes from this instance's clock: skew only matters for seconds around midnight.
 */
export function createRedisLimiter(redis: Redis, settings: LimitSettings, options: RedisLimiterOptions = {}): RedisLimiter {
  const prefix = options.keyPrefix ?? 'hedera-assistant:limit:'
  const slotTtlMs = options.slotTtlMs ?? DEFAULT_SLOT_TTL_MS
  const timeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS
  const onError = options.onError ?? (() => {})
  const refreshers = new Set<NodeJS.Timeout>()

  redis.defineCommand('assistantLimitHit', { numberOfKeys: 1, lua: HIT_LUA })
  redis.defineCommand('assistantLimitAcquire', { numberOfKeys: 1, lua: ACQUIRE_LUA })
  redis.defineCommand('assistantLimitRefresh', { numberOfKeys: 1, lua: REFRESH_LUA })
  const scripted = redis as Scripted

  /** Runs one Redis operation; on failure or timeout reports it and returns `fallback` (fail open). */
  async function guarded<T>(operation: RedisLimiterOperation, fallback: T, run: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis limiter ${operation} took over ${timeoutMs} ms`)), timeoutMs)
    })
    try {
      return await Promise.race([run(), timeout])
    } catch (error) {
      onError(error, operation)
      return fallback
    } finally {
      clearTimeout(timer)
    }
  }

  const budgetPeriod = settings.tokenBudgetPeriod ?? 'day'
  // A day's key keeps its old shape (spend:<day number>:<key>), so counters survive an upgrade; a month's is spend:m2026-12:<key>.
  const spendKey = (key: string) => `${prefix}spend:${periodKey(Date.now(), budgetPeriod).replace(/^d/, '')}:${key}`

  return {
    async hit(key, bucket) {
      const capacity = bucket === 'connections' ? settings.connectionsPerWindow : settings.chatsPerWindow
      if (capacity === 0) return undefined
      const waitMs = await guarded('hit', 0, () => scripted.assistantLimitHit(`${prefix}${bucket}:${key}`, capacity, settings.windowMs))
      if (waitMs <= 0) return undefined
      return { limit: bucket, retryAfter: Math.max(1, Math.ceil(waitMs / 1000)), error: REFUSAL_TEXT[bucket] }
    },

    async acquire(key, kind) {
      const max = kind === 'sockets' ? settings.socketsPerUser : settings.concurrentAnswers
      if (max === 0) return { release() {} }
      const zset = `${prefix}${kind}:${key}`
      const id = randomUUID()
      // -1: Redis did not answer. The ZADD may still land later, so that slot's release still removes its id.
      const held = await guarded('acquire', -1, () => scripted.assistantLimitAcquire(zset, max, id, slotTtlMs))
      if (held === 0) {
        const refusal: Refusal = { limit: kind, retryAfter: kind === 'sockets' ? 60 : 5, error: REFUSAL_TEXT[kind] }
        return refusal
      }
      let refresher: NodeJS.Timeout | undefined
      if (held === 1) {
        refresher = setInterval(() => {
          void guarded('refresh', 0, () => scripted.assistantLimitRefresh(zset, id, slotTtlMs))
        }, Math.max(1, Math.floor(slotTtlMs / 3)))
        // Sockets can stay open for hours; the refresh must not keep a finished process alive.
        refresher.unref()
        refreshers.add(refresher)
      }
      let released = false
      const slot: Slot = {
        release() {
          if (released) return
          released = true
          if (refresher) {
            clearInterval(refresher)
            refreshers.delete(refresher)
          }
          void guarded('release', 0, () => redis.zrem(zset, id))
        },
      }
      return slot
    },

    async checkSpend(key) {
      if (settings.dailyTokens === 0) return undefined
      const spent = await guarded('checkSpend', null, () => redis.get(spendKey(key)))
      if (spent === null || Number(spent) < settings.dailyTokens) return undefined
      return budgetRefusal(budgetPeriod, Date.now())
    },

    async spend(key, tokens) {
      if (settings.dailyTokens === 0) return
      // INCRBY takes whole numbers; rounding up never undercounts the budget.
      const amount = Math.ceil(tokens)
      if (!(amount > 0)) return
      const counter = spendKey(key)
      await guarded('spend', undefined, async () => {
        const results = await redis.multi().incrby(counter, amount).expire(counter, periodTtlSeconds(budgetPeriod)).exec()
        if (!results) throw new Error('Redis limiter spend transaction was discarded')
        const failed = results.find(([error]) => error)?.[0]
        if (failed) throw failed
      })
    },

    stop() {
      for (const refresher of refreshers) clearInterval(refresher)
      refreshers.clear()
    },
  }
}
