/** The Redis coordinator against a real redis-server: atomic claims, retried releases, forgotten failed joins, heartbeats. */
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRedis, type RedisServer } from '../../test/support/redis-server.js'
import { createRedis, waitReady } from '../redis/connection.js'
import type { ConversationEvent, Coordinator } from './coordinator.js'
import { AnswerStale } from './coordinator.js'
import { createRedisCoordinator } from './redis-coordinator.js'

let server: RedisServer
let admin: Redis
const clients: Redis[] = []
const coordinators: Coordinator[] = []

beforeAll(async () => {
  server = await startRedis()
  admin = createRedis({ url: server.url, name: 'admin' })
  await waitReady(admin, 5_000)
})
afterAll(async () => {
  for (const c of coordinators) await c.close()
  for (const c of clients) c.disconnect()
  admin.disconnect()
  await server.stop()
})

/** A coordinator on its own connection, as ACL user `user` (created by the test) or the default user. */
async function coordinatorAs(user?: string, password = 'pw-0123456789abcdef'): Promise<Coordinator> {
  const url = user ? server.url.replace('redis://', `redis://${user}:${password}@`) : server.url
  const redis = createRedis({ url, name: `coordinator-${clients.length}` })
  clients.push(redis)
  await waitReady(redis, 5_000)
  const coordinator = await createRedisCoordinator(redis, { retentionMs: 60_000, maxFrames: 100 })
  coordinators.push(coordinator)
  return coordinator
}

const meta = (n: string) => ({ messageId: `m-${n}`, conversationId: `c-${n}`, userId: undefined })

describe('claim and meta are one step (item 8)', () => {
  it('when the meta cannot be written, the conversation is not left claimed', async () => {
    // This user may write the busy claim and the heartbeat, but not the meta: before the fix the claim stayed.
    await admin.call('ACL', 'SETUSER', 'nometa', 'on', '>pw-0123456789abcdef', '+@all', '&*', '~hedera-assistant:conversation:*', '~hedera-assistant:answer:*:alive')
    const coordinator = await coordinatorAs('nometa')
    await expect(coordinator.claim(meta('1'), 60_000)).rejects.toThrow(/NOPERM/)
    expect(await admin.exists('hedera-assistant:conversation:c-1:busy')).toBe(0)
  })

  it('a claim writes busy, meta and heartbeat together; a second claim of the conversation is refused', async () => {
    const coordinator = await coordinatorAs()
    expect(await coordinator.claim(meta('2'), 60_000)).toBe('claimed')
    expect(await admin.get('hedera-assistant:conversation:c-2:busy')).toBe('m-2')
    expect(await coordinator.meta('m-2')).toEqual({ messageId: 'm-2', conversationId: 'c-2' })
    expect(await admin.get('hedera-assistant:answer:m-2:alive')).toBe('running')
    expect(await coordinator.claim({ ...meta('2'), messageId: 'm-2b' }, 60_000)).toBe('busy')
  })

  it('a claim with the id of an existing answer is refused as used, and claims nothing', async () => {
    const coordinator = await coordinatorAs()
    expect(await coordinator.claim(meta('7'), 60_000)).toBe('claimed')
    expect(await coordinator.claim({ ...meta('7'), conversationId: 'c-7b' }, 60_000)).toBe('used')
    expect(await admin.exists('hedera-assistant:conversation:c-7b:busy')).toBe(0)
    expect(await coordinator.meta('m-7')).toEqual({ messageId: 'm-7', conversationId: 'c-7' })
  })
})

describe('the active answer of a conversation', () => {
  it('is the claimed answer on every instance while it streams, and none once released', async () => {
    const [one, two] = [await coordinatorAs(), await coordinatorAs()]
    expect(await two.activeAnswer('c-9')).toBeUndefined()
    expect(await one.claim(meta('9'), 60_000)).toBe('claimed')
    expect(await two.activeAnswer('c-9')).toBe('m-9')
    await one.release(meta('9'))
    expect(await two.activeAnswer('c-9')).toBeUndefined()
  })
})

describe('a failed release is retried (item 8)', () => {
  it('release refused once by Redis still frees the conversation when Redis accepts again', async () => {
    await admin.call('ACL', 'SETUSER', 'flaky', 'on', '>pw-0123456789abcdef', '+@all', '&*', '~*')
    const coordinator = await coordinatorAs('flaky')
    expect(await coordinator.claim(meta('3'), 600_000)).toBe('claimed')
    await admin.call('ACL', 'SETUSER', 'flaky', '-eval')
    await expect(coordinator.release(meta('3'))).rejects.toThrow(/NOPERM/)
    expect(await admin.exists('hedera-assistant:conversation:c-3:busy')).toBe(1)
    await admin.call('ACL', 'SETUSER', 'flaky', '+eval')
    await expect.poll(() => admin.exists('hedera-assistant:conversation:c-3:busy'), { timeout: 5000 }).toBe(0)
  })
})

describe('a failed SUBSCRIBE is forgotten (item 7)', () => {
  it('after one refused join, the next join subscribes and receives events', async () => {
    await admin.call('ACL', 'SETUSER', 'nosub', 'on', '>pw-0123456789abcdef', '+@all', '&*', '~*')
    const coordinator = await coordinatorAs('nosub')
    await admin.call('ACL', 'SETUSER', 'nosub', '-subscribe')
    await expect(coordinator.subscribe('c-4', () => {})).rejects.toThrow(/NOPERM/)
    await admin.call('ACL', 'SETUSER', 'nosub', '+subscribe')
    const events: ConversationEvent[] = []
    const unsubscribe = await coordinator.subscribe('c-4', (event) => events.push(event))
    await coordinator.publish({ type: 'conversation_updated', conversationId: 'c-4', change: 'turn' })
    await expect.poll(() => events).toEqual([{ type: 'conversation_updated', conversationId: 'c-4', change: 'turn' }])
    unsubscribe()
  })
})

describe('heartbeat (item 6)', () => {
  it('a follower of an answer whose producer stopped beating gets AnswerStale long before staleMs', async () => {
    const producer = await coordinatorAs()
    const follower = await coordinatorAs()
    expect(await producer.claim(meta('5'), 60_000)).toBe('claimed')
    producer.append('m-5', 0, { type: 'chat_start', messageId: 'm-5', conversationId: 'c-5' }, JSON.stringify({ type: 'chat_start', messageId: 'm-5', conversationId: 'c-5' }))
    // The producer "dies": its heartbeat is never refreshed, so the key set by the claim lapses.
    const controller = new AbortController()
    const seen: string[] = []
    const following = (async () => {
      for await (const { frame } of follower.follow('m-5', -1, { signal: controller.signal, staleMs: 60_000 })) seen.push(frame.type)
    })()
    await expect(following).rejects.toBeInstanceOf(AnswerStale)
    // It ended on the heartbeat (1.5 s TTL), not on staleMs (60 s, past the test's timeout).
    expect(seen).toEqual(['chat_start'])
  })

  it('a producer that beats keeps its followers; one that stops its heartbeat and releases marks the answer ended, not dead', async () => {
    const producer = await coordinatorAs()
    const follower = await coordinatorAs()
    expect(await producer.claim(meta('6'), 60_000)).toBe('claimed')
    const stop = producer.heartbeat('m-6')
    const start = { type: 'chat_start' as const, messageId: 'm-6', conversationId: 'c-6' }
    producer.append('m-6', 0, start, JSON.stringify(start))
    const controller = new AbortController()
    const seen: string[] = []
    const following = (async () => {
      for await (const { frame } of follower.follow('m-6', -1, { signal: controller.signal, staleMs: 60_000 })) seen.push(frame.type)
    })()
    await expect.poll(() => seen).toEqual(['chat_start'])
    // Past the heartbeat TTL (1.5 s) with no frame: still followed, because the producer beats.
    await new Promise<void>((resolve) => {
      // Waits for the heartbeat to be renewed five times (its PTTL rising), well past its 1.5 s TTL.
      let last = Infinity
      let renewals = 0
      const timer = setInterval(() => {
        void admin.pttl('hedera-assistant:answer:m-6:alive').then((ttl) => {
          if (ttl > last) renewals++
          last = ttl
          if (renewals >= 5) {
            clearInterval(timer)
            resolve()
          }
        })
      }, 100)
    })
    expect(seen).toEqual(['chat_start'])
    stop()
    await producer.release(meta('6'))
    expect(await admin.get('hedera-assistant:answer:m-6:alive')).toBe('ended')
    const done = { type: 'chat_complete' as const, messageId: 'm-6', conversationId: 'c-6', metadata: { model: 'x', finishReason: 'stop', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 } } }
    producer.append('m-6', 1, done, JSON.stringify(done))
    await following
    expect(seen).toEqual(['chat_start', 'chat_complete'])
  })
})
