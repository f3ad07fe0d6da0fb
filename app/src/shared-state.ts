/** With REDIS_URL: one Redis client, and on it the conversation store, the limiter, the coordinator and the quality store. */
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import type { ConversationIndex } from './chat/conversation-index.js'
import type { ConversationStore } from './chat/conversations.js'
import type { Coordinator } from './chat/coordinator.js'
import { createRedisConversationStore } from './chat/redis-conversations.js'
import { createRedisCoordinator } from './chat/redis-coordinator.js'
import type { Config } from './config/config.js'
import { createRedisLimiter } from './guard/redis-limiter.js'
import type { Limiter } from './guard/limits.js'
import type { QualityStore } from './quality/quality-store.js'
import { createRedisQualityStore } from './quality/redis-quality-store.js'
import { createRedis, safeRedisUrl, waitReady } from './redis/connection.js'

export interface SharedState {
  /** What startServer takes to run as one of many instances. */
  stores: {
    conversations: ConversationStore & ConversationIndex
    limiter: Limiter
    coordinator: Coordinator
    quality: QualityStore
  }
  /** The client itself, for other stores on the same connection (users' sealed keys). */
  redis: Redis
  /** Closes the Redis client; the server closes the stores and the coordinator on shutdown first. */
  close(): Promise<void>
}

/** Connects (or throws one clear line: start must fail loudly when Redis is unreachable) and builds the stores. */
export async function connectSharedState(config: Config, logger: Logger, redisUrl: string): Promise<SharedState> {
  const redis = createRedis({ url: redisUrl, password: config.redis.password, name: `hedera-assistant-${process.pid}` })
  try {
    await waitReady(redis, 10_000)
  } catch (error) {
    redis.disconnect()
    throw error
  }
  logger.info({ event: 'redis_connected', url: safeRedisUrl(redisUrl) }, 'connected to Redis: conversations, limits, answers and quality signals are shared')
  const onError = (err: unknown, what: string) => logger.warn({ err, what }, 'Redis operation failed')
  const coordinator = await createRedisCoordinator(redis, {
    retentionMs: config.answers.retentionMs,
    maxFrames: config.answers.logMaxFrames,
    onError,
    onHealthChange: (healthy, reason) =>
      healthy ? logger.info({ event: 'redis_healthy' }, 'Redis is reachable again') : logger.error({ event: 'redis_unhealthy', reason }, 'Redis is unreachable: new answers are refused'),
  })
  const { history, rateLimits } = config
  const limiter = createRedisLimiter(redis, rateLimits, { onError: (err, operation) => onError(err, `limiter ${operation}`) })
  const stores = {
    conversations: createRedisConversationStore(redis, { maxTurns: history.maxTurns, idleTtlMs: history.idleTtlMs, maxPerUser: history.maxPerUser }),
    limiter,
    coordinator,
    // Kept as long as conversations are, as the memory store keeps them: a question outlives neither.
    quality: createRedisQualityStore(redis, { retentionMs: history.idleTtlMs, maxEntries: history.maxConversations }),
  }
  return {
    stores,
    redis,
    async close() {
      limiter.stop() // held slots lapse on their own after the slot TTL; no refresh after the client is gone
      await redis.quit().catch(() => redis.disconnect())
    },
  }
}
