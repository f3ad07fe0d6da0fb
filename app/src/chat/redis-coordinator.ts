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

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`

export async function createRedisCoordinator(redis: Redis, options: RedisCoordinatorOptions): Promise<Coordinator> {
  const prefix = options.keyPrefix ?? 'hpa:'
  const onError = options.onError ?? (() => {})
  const frameStream = createRedisFrameStream(redis, { maxFrames: options.maxFrames, ttlMs: options.retentionMs, keyPrefix: prefix })
  const pubsub = createPubSub(redis, { prefix, onError: (error, channel) => onError(error, `message on ${channel}`) })
  const health = trackHealth(redis, (healthy, reason) => options.onHealthChange?.(healthy, reason))
  const busyKey = (conversationId: string) => `${prefix}conversation:${conversationId}:busy`
  const metaKey = (messageId: string) => `${prefix}answer:${messageId}:meta`
  const watchKey = (messageId: string) => `${prefix}answer:${messageId}:watched`
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
      const claimed = await redis.set(busyKey(meta.conversationId), meta.messageId, 'PX', ttlMs, 'NX')
      if (claimed !== 'OK') return false
      await redis.set(metaKey(meta.messageId), JSON.stringify(meta), 'PX', ttlMs + options.retentionMs)
      return true
    },
    async release(meta) {
      await redis.eval(RELEASE, 1, busyKey(meta.conversationId), meta.messageId)
    },
    append(messageId, index, frame, json) {
      frameStream.append(messageId, index, frame, json).catch((error: unknown) => onError(error, `append of frame ${index} of ${messageId}`))
    },
    async meta(messageId) {
      const text = await redis.get(metaKey(messageId))
      return text ? (JSON.parse(text) as AnswerMeta) : undefined
    },
    async *follow(messageId, afterIndex, followOptions) {
      try {
        for await (const { frame } of frameStream.follow(messageId, afterIndex, followOptions)) yield frame
      } catch (error) {
        if (error instanceof FrameStreamGone) throw new AnswerGone(error.message)
        if (error instanceof FrameStreamStale) throw new AnswerStale(error.message)
        throw error
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
      await current.ready
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
