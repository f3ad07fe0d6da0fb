/** JSON publish/subscribe across instances: one dedicated subscriber connection, many handlers per channel. */
import type { Redis } from 'ioredis'

export type MessageHandler = (message: unknown, channel: string) => void

export interface PubSub {
  publish(channel: string, message: unknown): Promise<void>
  /** Resolves once Redis confirmed the subscription, so a publish after it is received. Returns the unsubscribe. */
  subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>>
  /** Closes the subscriber connection; the client given to createPubSub stays open (its owner closes it). */
  close(): Promise<void>
}

export interface PubSubOptions {
  /** Pub/sub channels are shared by every database of a server: the prefix keeps deployments apart. */
  prefix?: string
  /** A message that is not JSON, or a handler that threw; the other handlers still run. */
  onError?: (error: unknown, channel: string) => void
}

export function createPubSub(redis: Redis, options: PubSubOptions = {}): PubSub {
  const prefix = options.prefix ?? 'hedera-assistant:'
  const onError = options.onError ?? (() => {})
  // A subscribed connection can run no other command, hence its own; ioredis resubscribes after a reconnect.
  const subscriber = redis.duplicate()
  subscriber.on('error', () => {}) // reconnects are reported by the main client's health tracker
  const handlers = new Map<string, Set<MessageHandler>>()
  // The SUBSCRIBE in flight per channel: a second handler must not resolve before Redis confirmed it.
  const pending = new Map<string, Promise<unknown>>()
  let closed = false

  subscriber.on('message', (full: string, text: string) => {
    const channel = full.slice(prefix.length)
    const set = handlers.get(channel)
    if (!set) return
    let message: unknown
    try {
      message = JSON.parse(text)
    } catch (error) {
      onError(error, channel)
      return
    }
    for (const handler of [...set]) {
      try {
        handler(message, channel)
      } catch (error) {
        onError(error, channel)
      }
    }
  })

  return {
    async publish(channel, message) {
      await redis.publish(prefix + channel, JSON.stringify(message))
    },
    async subscribe(channel, handler) {
      if (closed) throw new Error('pubsub is closed')
      let set = handlers.get(channel)
      if (!set) {
        set = new Set()
        handlers.set(channel, set)
      }
      // Commands keep their order on one connection, so a SUBSCRIBE sent after an UNSUBSCRIBE wins.
      if (!pending.has(channel)) pending.set(channel, subscriber.subscribe(prefix + channel))
      set.add(handler)
      const subscribing = pending.get(channel)
      try {
        await subscribing
      } catch (error) {
        set.delete(handler)
        if (set.size === 0 && handlers.get(channel) === set) handlers.delete(channel)
        // Forgotten, so the next subscribe sends SUBSCRIBE again.
        if (pending.get(channel) === subscribing) pending.delete(channel)
        throw error
      }
      let subscribed = true
      return async () => {
        if (!subscribed) return
        subscribed = false
        const current = handlers.get(channel)
        if (!current?.delete(handler) || current.size > 0) return
        handlers.delete(channel)
        pending.delete(channel)
        if (!closed) await subscriber.unsubscribe(prefix + channel)
      }
    },
    async close() {
      if (closed) return
      closed = true
      handlers.clear()
      pending.clear()
      subscriber.disconnect()
    },
  }
}
