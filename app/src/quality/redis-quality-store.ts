/** The quality store in Redis, shared by every instance: one HASH per answer and one ZSET of answers by time. */
import type { Redis } from 'ioredis'
import { execResults as results } from '../redis/connection.js'
import type { AnswerRecord, Feedback, FeedbackResult, QualityStore } from './quality-store.js'

export interface RedisQualityOptions {
  /** As long as conversations are kept (HISTORY_IDLE_TTL_MS): a question outlives neither. */
  retentionMs: number
  /** Answers listed in the report at most; the oldest drop off the list first. */
  maxEntries: number
  keyPrefix?: string
  now?: () => number
}

// One script, so the owner check and the claim of the rating cannot interleave with another instance's.
// The index check makes an answer that fell off the list (over maxEntries) unknown, as in the memory store.
const FEEDBACK = `
local owner = redis.call('HGET', KEYS[1], 'owner')
if not owner or not redis.call('ZSCORE', KEYS[2], ARGV[3]) then return 'unknown_answer' end
if owner ~= ARGV[1] then return 'forbidden' end
if redis.call('HSETNX', KEYS[1], 'feedback', ARGV[2]) == 0 then return 'already_rated' end
return 'saved'`

// One script per answer recorded, where a MULTI of seven commands was nine commands sent (a fifth of what one
// answer sends to Redis): the record replaces an earlier one of the same id (its rating too, as the memory store
// does), both keys expire with the retention, and the index drops what is past the retention or the cap.
const RECORD = `
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'record', ARGV[1], 'owner', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[6])
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[7]) + 1))
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1`

type Scripted = Redis & {
  assistantQualityRecord(answerKey: string, indexKey: string, record: string, owner: string, ttlMs: number, at: number, messageId: string, cutoff: string, maxEntries: number): Promise<number>
}

const FEEDBACK_RESULTS: readonly string[] = ['saved', 'unknown_answer', 'forbidden', 'already_rated'] satisfies FeedbackResult[]

/** `undefined` (no authentication) and a user id must never compare equal, so the owner is stored as JSON. */
const ownerField = (userId: string | undefined) => JSON.stringify(userId ?? null)

function parseRecord(recordJson: string | null, feedbackJson: string | null): AnswerRecord | undefined {
  if (recordJson === null) return undefined
  try {
    const record = JSON.parse(recordJson) as AnswerRecord
    if (feedbackJson === null) return record
    const feedback = JSON.parse(feedbackJson) as Feedback
    const signals = feedback.rating === 'down' && !record.signals.includes('downvoted') ? [...record.signals, 'downvoted' as const] : record.signals
    return { ...record, signals, feedback }
  } catch {
    // A value this store did not write: leave it out of the report rather than fail the report.
    return undefined
  }
}

export function createRedisQualityStore(redis: Redis, options: RedisQualityOptions): QualityStore {
  const prefix = options.keyPrefix ?? 'hedera-assistant:'
  const now = options.now ?? Date.now
  const ttl = options.retentionMs
  const indexKey = `${prefix}quality:answers`
  const answerKey = (messageId: string) => `${prefix}quality:answer:${messageId}`
  // EVALSHA, with EVAL on NOSCRIPT after a Redis restart.
  redis.defineCommand('assistantQualityRecord', { numberOfKeys: 2, lua: RECORD })
  const scripted = redis as Scripted

  return {
    async record(entry) {
      // The rating lives in its own field, claimed once by the feedback script.
      const record: AnswerRecord = { ...entry }
      delete record.feedback
      await scripted.assistantQualityRecord(answerKey(entry.messageId), indexKey, JSON.stringify(record), ownerField(entry.userId), ttl, entry.at, entry.messageId, `(${now() - ttl}`, options.maxEntries)
    },

    async feedback(messageId, userId, feedback) {
      const result = await redis.eval(FEEDBACK, 2, answerKey(messageId), indexKey, ownerField(userId), JSON.stringify(feedback), messageId)
      if (typeof result !== 'string' || !FEEDBACK_RESULTS.includes(result)) throw new Error(`unexpected reply from the feedback script: ${String(result)}`)
      return result as FeedbackResult
    },

    async recent(sinceMs) {
      const cutoff = Math.max(now() - sinceMs, now() - ttl)
      const ids = await redis.zrevrangebyscore(indexKey, '+inf', cutoff, 'LIMIT', 0, options.maxEntries)
      if (ids.length === 0) return []
      const pipeline = redis.pipeline()
      for (const id of ids) pipeline.hmget(answerKey(id), 'record', 'feedback')
      const rows = results(await pipeline.exec()) as (string | null)[][]
      // An id whose hash expired is skipped here; the next record() trims it from the index by its score.
      return rows.map(([record, feedback]) => parseRecord(record ?? null, feedback ?? null)).filter((r) => r !== undefined)
    },
  }
}
