/** Conversation history and its index in Redis, shared by every instance: one LIST per conversation. */
import type { Redis } from 'ioredis'
import { execResults as results } from '../redis/connection.js'
import type { ConversationIndex, ConversationSummary } from './conversation-index.js'
import type { ConversationStore, Turn } from './conversations.js'

export interface RedisConversationOptions {
  /** Turns kept per conversation (a turn is one user or assistant message). */
  maxTurns: number
  /** A conversation (history, metadata, its owner's list) untouched for this long expires in Redis. */
  idleTtlMs: number
  keyPrefix?: string
  /** Conversations listed per user; the least recently updated drop off the list (their history stays). */
  maxPerUser?: number
  now?: () => number
}

// One script per saved turn, where a MULTI of seven commands was nine commands sent: RPUSH and LTRIM of two
// instances cannot interleave, so no turn is lost to a race; both keys expire with the idle TTL; the owner is
// returned so the owner's list can be touched. ARGV: maxTurns (0 keeps none), ttl ms, now, then the turns' JSON.
const APPEND = `
redis.call('RPUSH', KEYS[1], unpack(ARGV, 4))
local maxTurns = tonumber(ARGV[1])
if maxTurns > 0 then redis.call('LTRIM', KEYS[1], -maxTurns, -1) else redis.call('DEL', KEYS[1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('HSET', KEYS[2], 'updatedAt', ARGV[3])
redis.call('HSETNX', KEYS[2], 'createdAt', ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return redis.call('HGET', KEYS[2], 'owner')`

type Scripted = Redis & {
  assistantConversationAppend(turnsKey: string, metaKey: string, maxTurns: number, ttlMs: number, at: number, ...turns: string[]): Promise<string | null>
}

// Claim only when unowned or already ours, so two users racing for one id cannot both get it.
const SET_OWNER = `
local owner = redis.call('HGET', KEYS[1], 'owner')
if owner and owner ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'updatedAt', ARGV[2])
redis.call('HSETNX', KEYS[1], 'createdAt', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[4])
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[5]) + 1))
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1`

// HSET alone would create metadata for an expired conversation and keep it alive without history.
const RENAME = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'title', ARGV[1])
return 1`

function parseTurn(text: string): Turn | undefined {
  try {
    const value = JSON.parse(text) as Partial<Turn>
    if ((value.role === 'user' || value.role === 'assistant') && typeof value.content === 'string') {
      return { role: value.role, content: value.content }
    }
  } catch {
    // A value this store did not write: leave it out rather than fail the whole answer.
  }
  return undefined
}

/**
 * `size()` returns -1: the count lives in Redis and is shared by every instance, and the interface is
 * synchronous. `close()` leaves the client open: whoever created it closes it (it is shared).
 */
export function createRedisConversationStore(redis: Redis, options: RedisConversationOptions): ConversationStore & ConversationIndex {
  const prefix = options.keyPrefix ?? 'hedera-assistant:'
  const maxPerUser = options.maxPerUser ?? 100
  const now = options.now ?? Date.now
  const ttl = options.idleTtlMs
  const turnsKey = (id: string) => `${prefix}conv:${id}:turns`
  const metaKey = (id: string) => `${prefix}conv:${id}:meta`
  const userKey = (userId: string) => `${prefix}user:${userId}:conversations`
  // EVALSHA, with EVAL on NOSCRIPT after a Redis restart.
  redis.defineCommand('assistantConversationAppend', { numberOfKeys: 2, lua: APPEND })
  const scripted = redis as Scripted

  const touchUserList = async (userId: string, conversationId: string, at: number) => {
    results(
      await redis
        .multi()
        .zadd(userKey(userId), at, conversationId)
        .zremrangebyrank(userKey(userId), 0, -(maxPerUser + 1))
        .pexpire(userKey(userId), ttl)
        .exec(),
    )
  }

  return {
    async history(conversationId) {
      const raw = await redis.lrange(turnsKey(conversationId), 0, -1)
      return raw.map(parseTurn).filter((turn) => turn !== undefined)
    },

    async append(conversationId, turns) {
      if (turns.length === 0) return
      const at = now()
      const owner = await scripted.assistantConversationAppend(turnsKey(conversationId), metaKey(conversationId), Math.max(0, options.maxTurns), ttl, at, ...turns.map((turn) => JSON.stringify(turn)))
      // The owner's list is ordering metadata: a second round trip, only for owned conversations.
      if (typeof owner === 'string') await touchUserList(owner, conversationId, at)
    },

    size: () => -1,

    async close() {},

    async setOwner(conversationId, userId) {
      const claimed = await redis.eval(
        SET_OWNER,
        3,
        metaKey(conversationId),
        userKey(userId),
        turnsKey(conversationId),
        userId,
        now(),
        ttl,
        conversationId,
        maxPerUser,
      )
      return claimed === 1
    },

    async ownerOf(conversationId) {
      return (await redis.hget(metaKey(conversationId), 'owner')) ?? undefined
    },

    async listForUser(userId) {
      const ids = await redis.zrevrange(userKey(userId), 0, -1)
      if (ids.length === 0) return []
      const pipeline = redis.pipeline()
      for (const id of ids) pipeline.hmget(metaKey(id), 'owner', 'title', 'createdAt', 'updatedAt')
      const metas = results(await pipeline.exec()) as (string | null)[][]
      const list: ConversationSummary[] = []
      const stale: string[] = []
      ids.forEach((id, i) => {
        const [owner, title, createdAt, updatedAt] = metas[i] ?? []
        // Expired or removed elsewhere: drop it from the list lazily instead of scanning for it.
        if (owner !== userId) {
          stale.push(id)
          return
        }
        list.push({ conversationId: id, createdAt: Number(createdAt), updatedAt: Number(updatedAt), ...(title != null ? { title } : {}) })
      })
      if (stale.length > 0) await redis.zrem(userKey(userId), ...stale)
      return list.sort((a, b) => b.updatedAt - a.updatedAt)
    },

    async rename(conversationId, title) {
      return (await redis.eval(RENAME, 1, metaKey(conversationId), title)) === 1
    },

    async remove(conversationId) {
      const owner = await redis.hget(metaKey(conversationId), 'owner')
      const tx = redis.multi().del(turnsKey(conversationId), metaKey(conversationId))
      if (owner !== null) tx.zrem(userKey(owner), conversationId)
      const [deleted] = results(await tx.exec())
      return typeof deleted === 'number' && deleted > 0
    },
  }
}
