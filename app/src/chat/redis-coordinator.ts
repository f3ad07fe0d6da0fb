/** The Coordinator on Redis: busy claims, answer meta, the frame log (Streams), watchers, cancels and events (pub/sub). */
import type { Redis } from 'ioredis'
import { trackHealth } from '../redis/connection.js'
import { createPubSub } from '../redis/pubsub.js'
import { AnswerGone, AnswerStale, type AnswerMeta, type ConversationEvent, type Coordinator } from './coordinator.js'
import { createRedisFrameStream, FrameStreamGone, FrameStreamStale } from './redis-frame-stream.js'

export interface RedisCoordinatorOptions {
  /** How long an answer's frames and meta stay after its last frame. */
  retentionMs: number
  /** Frames kept per answer. */
  maxFrames: number
  keyPrefix?: string
  /** Something failed in the background (an append, a publish); the caller logs it. */
  onError?: (error: unknown, what: string) => void
  onHealthChange?: (healthy: boolean, reason?: string) => void
}

/** A follower refreshes its mark this often; the mark lives three times as long, so one missed refresh is fine. */
const WATCH_REFRESH_MS = 2000
const WATCH_TTL_MS = 3 * WATCH_REFRESH_MS

/** The producer refreshes its heartbeat this often; it lives three refreshes. */
const HEARTBEAT_REFRESH_MS = 500
const HEARTBEAT_TTL_MS = 3 * HEARTBEAT_REFRESH_MS
/**
 * A follower looks at the heartbeat this often and takes the producer for dead after two misses in a row, so
 * one refresh lost to a Redis restart (the producer beats again within 500 ms) is not a death: a dead
 * producer is noticed 2-2.5 s after its last beat.
 */
const HEARTBEAT_CHECK_MS = 500
const HEARTBEAT_MISSES = 2
/** A failed release is retried after 250 ms, 500 ms, ... five times (about 8 s in all). */
const RELEASE_RETRIES = 5
const RELEASE_RETRY_BASE_MS = 250

/**
 * Marks the answer ended (not dead: a follower still reads its frames up to the terminal one) and frees the
 * conversation if it is still ours, in one round trip.
 */
const RELEASE = `redis.call('SET', KEYS[2], 'ended', 'PX', ARGV[2])
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`
/**
 * Busy claim, meta and heartbeat in one step: a claim is never left without its meta (and so never
 * unreleasable). An answer id that already has meta is refused first (-1), so admission needs no GET of it.
 */
const CLAIM = `if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
if not redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 0 end
redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[4])
redis.call('SET', KEYS[3], 'running', 'PX', ARGV[5])
return 1`
const CLAIM_RESULTS = { 1: 'claimed', 0: 'busy', [-1]: 'used' } as const

export async function createRedisCoordinator(redis: Redis, options: RedisCoordinatorOptions): Promise<Coordinator> {
  const prefix = options.keyPrefix ?? 'hedera-assistant:'
  const onError = options.onError ?? (() => {})
  const frameStream = createRedisFrameStream(redis, { maxFrames: options.maxFrames, ttlMs: options.retentionMs, keyPrefix: prefix })
  const pubsub = createPubSub(redis, { prefix, onError: (error, channel) => onError(error, `message on ${channel}`) })
  const health = trackHealth(redis, (healthy, reason) => options.onHealthChange?.(healthy, reason))
  const busyKey = (conversationId: string) => `${prefix}conversation:${conversationId}:busy`
  const metaKey = (messageId: string) => `${prefix}answer:${messageId}:meta`
  const watchKey = (messageId: string) => `${prefix}answer:${messageId}:watched`
  const aliveKey = (messageId: string) => `${prefix}answer:${messageId}:alive`
  const cancelHandlers = new Set<(messageId: string) => void>()

  // One channel for every cancel: the instance that runs the answer acts, the others ignore it.
  const stopCancels = await pubsub.subscribe('cancel', (message) => {
    const messageId = (message as { messageId?: unknown }).messageId
    if (typeof messageId === 'string') for (const handler of cancelHandlers) handler(messageId)
  })

  // Local handlers per conversation share one Redis subscription, made on the first and dropped after the last.
  const listeners = new Map<string, { handlers: Set<(event: ConversationEvent) => void>; ready: Promise<() => Promise<void>> }>()

  return {
    shared: true,
    async claim(meta, ttlMs) {
      const keys = [busyKey(meta.conversationId), metaKey(meta.messageId), aliveKey(meta.messageId)]
      const claimed = await redis.eval(CLAIM, 3, ...keys, meta.messageId, ttlMs, JSON.stringify(meta), ttlMs + options.retentionMs, HEARTBEAT_TTL_MS)
      return CLAIM_RESULTS[claimed as 1 | 0 | -1]
    },
    async release(meta) {
      const keys = [busyKey(meta.conversationId), aliveKey(meta.messageId)]
      const once = () => redis.eval(RELEASE, 2, ...keys, meta.messageId, Math.max(options.retentionMs, HEARTBEAT_TTL_MS))
      try {
        await once()
      } catch (error) {
        // A lost release would keep the conversation busy until the claim's TTL (minutes): keep trying.
        void (async function retryRelease() {
          for (let attempt = 0; attempt < RELEASE_RETRIES; attempt++) {
            await new Promise((resolve) => setTimeout(resolve, RELEASE_RETRY_BASE_MS * 2 ** attempt).unref())
            try {
              await once()
              return
            } catch (retryError) {
              onError(retryError, `release of conversation ${meta.conversationId} (attempt ${attempt + 2})`)
            }
          }
        })()
        throw error
      }
    },
    heartbeat(messageId) {
      const key = aliveKey(messageId)
      const beat = () => void redis.set(key, 'running', 'PX', HEARTBEAT_TTL_MS).catch((error: unknown) => onError(error, `heartbeat of ${messageId}`))
      const timer = setInterval(beat, HEARTBEAT_REFRESH_MS)
      timer.unref()
      // The "ended" mark is written by release, in the same round trip as the conversation is freed.
      return () => clearInterval(timer)
    },
    append(messageId, index, frame, json) {
      frameStream.append(messageId, index, frame, json).catch((error: unknown) => onError(error, `append of frame ${index} of ${messageId}`))
    },
    async meta(messageId) {
      const text = await redis.get(metaKey(messageId))
      return text ? (JSON.parse(text) as AnswerMeta) : undefined
    },
    async activeAnswer(conversationId) {
      return (await redis.get(busyKey(conversationId))) ?? undefined
    },
    async *follow(messageId, afterIndex, followOptions) {
      // The producer's heartbeat is checked beside the frames: a dead producer shows in seconds, not staleMs.
      const dead = new AbortController()
      let misses = 0
      const check = () => {
        redis.exists(aliveKey(messageId)).then(
          (alive) => {
            misses = alive === 0 ? misses + 1 : 0
            if (misses >= HEARTBEAT_MISSES) dead.abort()
          },
          () => (misses = 0), // an outage is the frame stream's to wait out
        )
      }
      const timer = setInterval(check, HEARTBEAT_CHECK_MS)
      timer.unref()
      const signal = AbortSignal.any([followOptions.signal, dead.signal])
      try {
        for await (const { frame, json } of frameStream.follow(messageId, afterIndex, { ...followOptions, signal })) yield { frame, json }
        if (dead.signal.aborted && !followOptions.signal.aborted) throw new AnswerStale(`the instance producing ${messageId} stopped its heartbeat`)
      } catch (error) {
        if (error instanceof FrameStreamGone) throw new AnswerGone(error.message)
        if (error instanceof FrameStreamStale) throw new AnswerStale(error.message)
        throw error
      } finally {
        clearInterval(timer)
      }
    },
    watch(messageId) {
      const mark = () => void redis.set(watchKey(messageId), '1', 'PX', WATCH_TTL_MS).catch(() => {})
      mark()
      const timer = setInterval(mark, WATCH_REFRESH_MS)
      timer.unref()
      return () => clearInterval(timer)
    },
    async isWatchedElsewhere(messageId) {
      return (await redis.exists(watchKey(messageId))) === 1
    },
    async requestCancel(messageId) {
      await pubsub.publish('cancel', { messageId })
    },
    onCancelRequest(handler) {
      cancelHandlers.add(handler)
    },
    async publish(event) {
      await pubsub.publish(`conversation:${event.conversationId}`, event)
    },
    async subscribe(conversationId, handler) {
      let entry = listeners.get(conversationId)
      if (!entry) {
        const handlers = new Set<(event: ConversationEvent) => void>()
        const ready = pubsub.subscribe(`conversation:${conversationId}`, (message) => {
          for (const h of [...handlers]) h(message as ConversationEvent)
        })
        entry = { handlers, ready }
        listeners.set(conversationId, entry)
      }
      entry.handlers.add(handler)
      const current = entry
      try {
        await current.ready
      } catch (error) {
        // A failed SUBSCRIBE is forgotten, so the next join tries again instead of reusing the rejection.
        current.handlers.delete(handler)
        if (listeners.get(conversationId) === current) listeners.delete(conversationId)
        throw error
      }
      return () => {
        current.handlers.delete(handler)
        if (current.handlers.size > 0 || listeners.get(conversationId) !== current) return
        listeners.delete(conversationId)
        void current.ready.then((unsubscribe) => unsubscribe()).catch((error: unknown) => onError(error, `unsubscribe from ${conversationId}`))
      }
    },
    healthy: () => health.healthy,
    async close() {
      health.stop()
      await stopCancels().catch(() => {})
      await frameStream.close()
      await pubsub.close()
    },
  }
}
