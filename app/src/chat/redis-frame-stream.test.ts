/** The Redis Streams answer log: producer and followers on separate clients of one real, restartable redis-server. */
import type { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { frames, type ServerFrame } from '../protocol/frames.js'
import { startRedis, type RedisServer } from '../../test/support/redis-server.js'
import { createRedis, waitReady } from '../redis/connection.js'
import { createRedisFrameStream, FrameStreamGone, FrameStreamStale, type FrameStream, type StoredFrame } from './redis-frame-stream.js'

let server: RedisServer
let producer: Redis
let follower: Redis
let writer: FrameStream
let reader: FrameStream

beforeAll(async () => {
  server = await startRedis({ persistence: true })
  producer = createRedis({ url: server.url, name: 'producer' })
  follower = createRedis({ url: server.url, name: 'follower' })
  await Promise.all([waitReady(producer, 5_000), waitReady(follower, 5_000)])
  writer = createRedisFrameStream(producer, { maxFrames: 1_000, ttlMs: 60_000 })
  reader = createRedisFrameStream(follower, { maxFrames: 1_000, ttlMs: 60_000 })
})
beforeEach(async () => {
  await producer.flushdb()
})
afterEach(() => {
  vi.restoreAllMocks()
})
afterAll(async () => {
  await writer.close()
  await reader.close()
  producer.disconnect()
  follower.disconnect()
  await server.stop()
})

/** Frame `index` of an answer whose terminal frame is number `last`: chat_start, deltas, chat_complete. */
function frameAt(messageId: string, index: number, last = Infinity): ServerFrame {
  const ids = { messageId, conversationId: 'c' }
  if (index === 0) return frames.start(ids, 'gpt-test')
  if (index === last) return frames.complete(ids, { model: 'gpt-test', finishReason: 'stop', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 } })
  return frames.delta(ids, index - 1, `piece ${index - 1}`)
}

async function appendRange(stream: FrameStream, messageId: string, from: number, to: number, last = Infinity) {
  for (let i = from; i <= to; i++) await stream.append(messageId, i, frameAt(messageId, i, last))
}

async function collect(
  iterable: AsyncIterable<StoredFrame>,
  onItem: (item: StoredFrame) => void = () => {},
) {
  const got: StoredFrame[] = []
  for await (const item of iterable) {
    got.push(item)
    onItem(item)
  }
  return got
}

const follow = (messageId: string, afterIndex: number, staleMs = 5_000, signal = new AbortController().signal) =>
  reader.follow(messageId, afterIndex, { signal, staleMs })
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)
/** Paces a producer (frames slower than the whole answer); never used to wait for a follower. */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function followerClients(): Promise<string[]> {
  const list = await producer.client('LIST')
  return String(list).split('\n').filter((line) => line.includes('name=follower'))
}

async function readerConnections(): Promise<number> {
  return (await followerClients()).length
}

/** Follower connections blocked in an XREAD right now (CLIENT LIST: flags=b, cmd=xread): a live follower waits there. */
async function blockedReads(): Promise<number> {
  return (await followerClients()).filter((line) => /\bflags=\S*b/.test(line) && /\bcmd=xread\b/.test(line)).length
}

describe('redis frame stream: stored frames', () => {
  it('replays a finished answer from -1 and from the middle, then ends after the terminal frame', async () => {
    await appendRange(writer, 'm', 0, 6, 6)
    const all = await collect(follow('m', -1))
    expect(all.map((f) => f.index)).toEqual(range(0, 6))
    expect(all.map((f) => f.frame)).toEqual(range(0, 6).map((i) => frameAt('m', i, 6)))
    // The stored JSON comes along, so a resumed frame is sent without being stringified again.
    expect(all.map((f) => f.json)).toEqual(range(0, 6).map((i) => JSON.stringify(frameAt('m', i, 6))))
    expect((await collect(follow('m', 3))).map((f) => f.index)).toEqual([4, 5, 6])
    // Already past the end: nothing, at once (no waiting for staleMs).
    const started = Date.now()
    expect(await collect(follow('m', 6, 10_000))).toEqual([])
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it('stores with explicit ids 0-(index+1), a MAXLEN bound and a TTL', async () => {
    const stream = createRedisFrameStream(producer, { maxFrames: 3, ttlMs: 5_000 })
    await appendRange(stream, 'm', 0, 4)
    const entries = await producer.xrange('hedera-assistant:answer:m:frames', '-', '+')
    expect(entries.map(([id]) => id)).toEqual(['0-3', '0-4', '0-5'])
    const pttl = await producer.pttl('hedera-assistant:answer:m:frames')
    expect(pttl).toBeGreaterThan(4_000)
    expect(pttl).toBeLessThanOrEqual(5_000)
  })

  it('keeps appends in call order even when nobody awaits them one by one', async () => {
    const pending: Promise<void>[] = []
    for (let i = 0; i <= 100; i++) {
      for (const id of ['x', 'y', 'z']) pending.push(writer.append(id, i, frameAt(id, i, 100)))
    }
    await Promise.all(pending)
    for (const id of ['x', 'y', 'z']) {
      expect((await collect(follow(id, -1))).map((f) => f.index)).toEqual(range(0, 100))
    }
  })

  it('rejects an index that is not above the last one (no silent duplicate)', async () => {
    await appendRange(writer, 'm', 0, 2)
    await expect(writer.append('m', 2, frameAt('m', 2))).rejects.toThrow(/equal or smaller/)
    await expect(writer.append('m', 1, frameAt('m', 1))).rejects.toThrow(/equal or smaller/)
    await expect(writer.append('m', -1, frameAt('m', 0))).rejects.toThrow(RangeError)
  })

  it('throws FrameStreamGone for an unknown answer', async () => {
    const error = await collect(follow('never-started', -1)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FrameStreamGone)
    expect((error as FrameStreamGone).why).toBe('missing')
  })

  it('throws FrameStreamGone when frames after the index were trimmed, and replays when they were not', async () => {
    const stream = createRedisFrameStream(producer, { maxFrames: 5, ttlMs: 60_000 })
    await appendRange(stream, 'm', 0, 10, 10) // keeps 6..10
    const error = await collect(follow('m', -1)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FrameStreamGone)
    expect((error as FrameStreamGone).why).toBe('trimmed')
    await expect(collect(follow('m', 4))).rejects.toBeInstanceOf(FrameStreamGone)
    expect((await collect(follow('m', 5))).map((f) => f.index)).toEqual(range(6, 10))
  })

  it('throws FrameStreamGone when a follower falls behind the trim while following', async () => {
    const stream = createRedisFrameStream(producer, { maxFrames: 3, ttlMs: 60_000 })
    await appendRange(stream, 'm', 0, 1)
    const it = follow('m', -1)[Symbol.asyncIterator]()
    const first = await it.next()
    expect(first.done ? undefined : first.value.index).toBe(0)
    // While the follower holds frame 0, the producer writes far enough ahead that 2 and 3 are trimmed away.
    await appendRange(stream, 'm', 2, 6)
    await expect(
      (async () => {
        for (;;) if ((await it.next()).done) return
      })(),
    ).rejects.toBeInstanceOf(FrameStreamGone)
  })
})

describe('redis frame stream: live frames', () => {
  it('delivers frames appended while following, exactly once and in order, to every follower', async () => {
    await writer.append('live', 0, frameAt('live', 0, 40))
    // XRANGE is how a follower reads stored frames; a live one waits in the shared XREAD instead.
    const xrange = vi.spyOn(follower, 'xrange')
    const last = [-1, -1, 0]
    const followers = [-1, -1, 0].map((after, n) => collect(follow('live', after), (f) => (last[n] = f.index)))
    // Frame 0 replayed to the first two, then each follower's XRANGE came back empty (2 + 2 + 1 calls) and the
    // reader blocks in XREAD: from here on every frame can only arrive live.
    await expect.poll(() => xrange.mock.calls.length).toBe(5)
    await Promise.all(xrange.mock.results.map((r) => r.value as Promise<unknown>))
    await expect.poll(blockedReads).toBe(1)
    for (let i = 1; i <= 40; i++) {
      await writer.append('live', i, frameAt('live', i, 40))
      // Every fifth frame, wait until all three have it, so the frames come over several XREAD replies.
      if (i % 5 === 0) await expect.poll(() => last.every((index) => index === i)).toBe(true)
    }
    const [first, second, third] = await Promise.all(followers)
    expect(xrange).toHaveBeenCalledTimes(5) // no follower fell back to reading stored frames
    expect(first?.map((f) => f.index)).toEqual(range(0, 40))
    expect(first?.map((f) => f.frame)).toEqual(range(0, 40).map((i) => frameAt('live', i, 40)))
    expect(second?.map((f) => f.index)).toEqual(range(0, 40))
    expect(third?.map((f) => f.index)).toEqual(range(1, 40))
    await expect.poll(readerConnections, { timeout: 3_000 }).toBe(1) // the shared blocking reader closes once idle
  })

  it('throws FrameStreamStale when the producer stops without a terminal frame', async () => {
    await appendRange(writer, 'dead', 0, 2)
    const got: number[] = []
    const started = Date.now()
    const error = await collect(follow('dead', -1, 400), (f) => got.push(f.index)).catch((e: unknown) => e)
    const elapsed = Date.now() - started
    expect(got).toEqual([0, 1, 2])
    expect(error).toBeInstanceOf(FrameStreamStale)
    expect(elapsed).toBeGreaterThanOrEqual(350)
    expect(elapsed).toBeLessThan(2_000)
  })

  it('is not stale while frames keep coming slower than the whole answer but faster than staleMs', async () => {
    await writer.append('slow', 0, frameAt('slow', 0, 6))
    const done = collect(follow('slow', -1, 400))
    for (let i = 1; i <= 6; i++) {
      await sleep(150)
      await writer.append('slow', i, frameAt('slow', i, 6))
    }
    expect((await done).map((f) => f.index)).toEqual(range(0, 6))
  })

  it('ends quietly when the signal aborts; the blocking connection closes once nobody follows', async () => {
    await appendRange(writer, 'aborted', 0, 1)
    const controller = new AbortController()
    const got: number[] = []
    const done = collect(follow('aborted', -1, 30_000, controller.signal), (f) => got.push(f.index))
    await expect.poll(() => got.length).toBe(2)
    await expect.poll(readerConnections).toBe(2) // the shared client and the instance's one blocking reader
    const started = Date.now()
    controller.abort()
    await done
    expect(Date.now() - started).toBeLessThan(500)
    expect(got).toEqual([0, 1])
    await expect.poll(readerConnections, { timeout: 3_000 }).toBe(1)
  })

  it('follows many answers at once on one blocking connection, each exactly once and in order', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `storm-${i}`)
    for (const id of ids) await writer.append(id, 0, frameAt(id, 0, 5))
    const got = new Map<string, number[]>(ids.map((id) => [id, []]))
    const done = Promise.all(ids.map((id) => collect(follow(id, -1), (f) => got.get(id)!.push(f.index))))
    await expect.poll(() => ids.every((id) => got.get(id)!.length === 1)).toBe(true)
    expect(await readerConnections()).toBeLessThanOrEqual(2)
    // Frames appended while all 200 block on the one XREAD: every follower gets its own, in order.
    for (let i = 1; i <= 5; i++) await Promise.all(ids.map((id) => writer.append(id, i, frameAt(id, i, 5))))
    await done
    for (const id of ids) expect(got.get(id)).toEqual(range(0, 5))
    expect(await readerConnections()).toBeLessThanOrEqual(2)
  })

  it('a follower joining while the XREAD blocks gets its frames at once, not after the block times out', async () => {
    await appendRange(writer, 'early', 0, 0)
    await appendRange(writer, 'late', 0, 0)
    const early: number[] = []
    const earlyDone = collect(follow('early', -1, 10_000), (f) => early.push(f.index))
    await expect.poll(() => early.length).toBe(1)
    const late: number[] = []
    const lateDone = collect(follow('late', -1, 10_000), (f) => late.push(f.index))
    await expect.poll(() => late.length).toBe(1)
    const started = Date.now()
    await writer.append('late', 1, frameAt('late', 1, 1))
    await lateDone
    expect(Date.now() - started).toBeLessThan(1_000) // the XREAD blocks for up to 2 s: it was restarted for 'late'
    await writer.append('early', 1, frameAt('early', 1, 1))
    await earlyDone
  })

  it('ends its followers on close()', async () => {
    const own = createRedisFrameStream(follower, { maxFrames: 100, ttlMs: 60_000 })
    await appendRange(writer, 'closing', 0, 0)
    const got: number[] = []
    const done = collect(own.follow('closing', -1, { signal: new AbortController().signal, staleMs: 30_000 }), (f) => got.push(f.index))
    // close() must end a follower that is blocked in XREAD, not one still reading stored frames.
    await expect.poll(() => got.length).toBe(1)
    await expect.poll(blockedReads).toBe(1)
    await own.close()
    expect((await done).map((f) => f.index)).toEqual([0])
    await expect(own.append('closing', 1, frameAt('closing', 1))).rejects.toThrow('closed')
  })

  it('continues after Redis restarts mid-follow and loses nothing stored', async () => {
    await appendRange(writer, 'restart', 0, 4)
    const got: number[] = []
    const done = collect(follow('restart', -1, 5_000), (f) => got.push(f.index))
    await expect.poll(() => got.length, { timeout: 5_000 }).toBe(5)
    expect(got).toEqual(range(0, 4))

    await server.kill() // a crash: only appendfsync always keeps the frames
    await server.restart()
    await waitReady(producer, 10_000)
    expect(await producer.pttl('hedera-assistant:answer:restart:frames')).toBeGreaterThan(0) // the TTL survived too
    await appendRange(writer, 'restart', 5, 10, 10)

    const all = await done
    expect(all.map((f) => f.index)).toEqual(range(0, 10))
    expect(all.map((f) => f.frame)).toEqual(range(0, 10).map((i) => frameAt('restart', i, 10)))
  })

  it('waits out an outage longer than the client retries a command, then resumes without a gap', async () => {
    await appendRange(writer, 'outage', 0, 2)
    const got: number[] = []
    // A follower probes the stream's ends (one MULTI) when it starts and again after each failed read.
    const probes = vi.spyOn(follower, 'multi')
    const done = collect(follow('outage', -1, 5_000), (f) => got.push(f.index))
    await expect.poll(() => got.length, { timeout: 5_000 }).toBe(3)
    const probesBefore = probes.mock.calls.length
    await server.kill()
    // Down until ioredis gave up on the blocked XREAD (MaxRetriesPerRequestError) and the follower probes again.
    await expect.poll(() => probes.mock.calls.length, { timeout: 10_000 }).toBeGreaterThan(probesBefore)
    await server.restart()
    await waitReady(producer, 10_000)
    await appendRange(writer, 'outage', 3, 8, 8)
    expect((await done).map((f) => f.index)).toEqual(range(0, 8))
  })
})
