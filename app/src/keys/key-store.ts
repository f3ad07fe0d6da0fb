/** Where sealed user keys live: an interface with a memory implementation (one instance) and a Redis one (many). */
import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'
import { parseSealedKey, type SealedKey } from './envelope.js'

export interface SealedKeyStore {
  get(userId: string): Promise<SealedKey | undefined>
  put(userId: string, record: SealedKey): Promise<void>
  /** True when there was a record to delete. */
  delete(userId: string): Promise<boolean>
}

export function createMemoryKeyStore(): SealedKeyStore {
  const records = new Map<string, SealedKey>()
  return {
    get: async (userId) => records.get(userId),
    put: async (userId, record) => void records.set(userId, record),
    delete: async (userId) => records.delete(userId),
  }
}

/** Redis key of a user's record: the user id hashed, so ids (emails, subjects) do not appear in key names. */
export function redisKeyOf(userId: string): string {
  return `hedera-assistant:user-ai-key:${createHash('sha256').update(userId).digest('hex')}`
}

export function createRedisKeyStore(redis: Redis): SealedKeyStore {
  return {
    async get(userId) {
      const text = await redis.get(redisKeyOf(userId))
      return text === null ? undefined : parseSealedKey(text)
    },
    async put(userId, record) {
      await redis.set(redisKeyOf(userId), JSON.stringify(record))
    },
    async delete(userId) {
      return (await redis.del(redisKeyOf(userId))) > 0
    },
  }
}
