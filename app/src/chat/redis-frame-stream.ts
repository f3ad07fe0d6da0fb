/** The resumable answer log across instances: each answer's frames in a Redis Stream, followed from an index. */
import type { Redis } from 'ioredis'
import { execResults as results } from '../redis/connection.js'
import { isTerminal, type ServerFrame } from '../protocol/frames.js'
import { createStreamReader, type Entry } from './redis-stream-reader.js'

/** The answer is unknown, expired, or lost frames the follower needs (trimmed): it cannot be resumed. */
export class FrameStreamGone extends Error {
  override name = 'FrameStreamGone'
  constructor(readonly messageId: string, readonly why: 'missing' | 'trimmed') {
    super(why === 'missing' ? `answer ${messageId} is unknown or expired` : `frames of answer ${messageId} after the requested index were dropped`)
  }
}

/** No frame arrived for `staleMs` and the answer never ended: the instance producing it died. */
export class FrameStreamStale extends Error {
  override name = 'FrameStreamStale'
  constructor(readonly messageId: string, readonly staleMs: number) {
    super(`answer ${messageId} produced nothing for ${staleMs} ms and never ended`)
  }
}

export interface FrameStream {
  /**
   * Appends frame number `index` (strictly increasing per answer), stored under the explicit stream id
   * `0-${index + 1}` so a reader resumes from an index with no gap and no duplicate; bounded to `maxFrames`;
   * the TTL is set with the first frame and renewed every 64 frames and with the terminal one. Appends
   * issued without awaiting are still stored in call order (one connection keeps command order). Rejects
   * when Redis refuses it, e.g. an index not above the last.
   */
  append(messageId: string, index: number, frame: ServerFrame, json?: string): Promise<void>
  /**
   * Frames with index > afterIndex, in order: what is stored, then live ones, ending after a terminal frame
   * or when `signal` aborts. Throws FrameStreamGone when the stream does not exist or was trimmed past
   * afterIndex + 1, FrameStreamStale when nothing new came for `staleMs` (counted from the start, the last
   * frame, or Redis coming back after an outage). A Redis outage is waited out (up to `staleMs`), then its
   * error is thrown.
   */
  follow(messageId: string, afterIndex: number, options: { signal: AbortSignal; staleMs: number }): AsyncIterable<StoredFrame>
  /** Ends every follower (they return quietly) and refuses further appends; the given client stays open. */
  close(): Promise<void>
}

export interface RedisFrameStreamOptions {
  /** Frames kept per answer (exact MAXLEN): a follower needing an older one gets FrameStreamGone. */
  maxFrames: number
  /** An answer's stream expires this long after its last frame. */
  ttlMs: number
  keyPrefix?: string
  /** Entries per XRANGE / XREAD reply. */
  batchSize?: number
}


const TTL_REFRESH_FRAMES = 64
/** XADD and PEXPIRE in one round trip (an XADD Redis refuses fails the script before the PEXPIRE). */
const APPEND_AND_EXPIRE = `redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[1], ARGV[2], 'f', ARGV[3])
return redis.call('PEXPIRE', KEYS[1], ARGV[4])`

const streamId = (index: number) => `0-${index + 1}`
const indexOf = (id: string) => Number(id.slice(id.indexOf('-') + 1)) - 1

/** A stored frame, with the JSON it was stored as: a resumed frame goes to sockets without a second stringify. */
export interface StoredFrame {
  index: number
  frame: ServerFrame
  json: string
}

function decode([id, fields]: Entry): StoredFrame {
  const at = fields.indexOf('f')
  const json = at >= 0 ? fields[at + 1] : undefined
  if (json === undefined) throw new SyntaxError(`stream entry ${id} has no frame`)
  return { index: indexOf(id), frame: JSON.parse(json) as ServerFrame, json }
}

/** Connection trouble is waited out; a refused command, a bad entry or our own verdicts are not. */
const retryable = (error: unknown) =>
  !(error instanceof FrameStreamGone || error instanceof FrameStreamStale || error instanceof SyntaxError || (error as Error).name === 'ReplyError')

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}

export function createRedisFrameStream(redis: Redis, options: RedisFrameStreamOptions): FrameStream {
  const prefix = options.keyPrefix ?? 'hedera-assistant:'
  const batch = options.batchSize ?? 256
  const keyOf = (messageId: string) => `${prefix}answer:${messageId}:frames`
  const closing = new AbortController()
  const reader = createStreamReader(redis, batch)

  async function* follow(messageId: string, afterIndex: number, { signal, staleMs }: { signal: AbortSignal; staleMs: number }) {
    const key = keyOf(messageId)
    const stop = AbortSignal.any([signal, closing.signal])
    let cursor = afterIndex // the last index delivered
    let lastProgress = Date.now()
    let outageSince: number | undefined
    let probed = false
    let live = false
    /** Checks the stored ends of the stream: exists, not trimmed past the cursor, not already finished. */
    const probe = async (): Promise<'more' | 'ended'> => {
      const [first, last] = results(await redis.multi().xrange(key, '-', '+', 'COUNT', 1).xrevrange(key, '+', '-', 'COUNT', 1).exec()) as Entry[][]
      const head = first?.[0]
      const tail = last?.[0]
      if (!head || !tail) throw new FrameStreamGone(messageId, 'missing')
      if (indexOf(head[0]) > cursor + 1) throw new FrameStreamGone(messageId, 'trimmed')
      const end = decode(tail)
      return isTerminal(end.frame) && end.index <= cursor ? 'ended' : 'more'
    }

    for (;;) {
      if (stop.aborted) return
      try {
        if (!probed) {
          const state = await probe()
          probed = true
          if (outageSince !== undefined) {
            // Redis is back: the producer needed it too, so it gets a full staleMs from now.
            outageSince = undefined
            lastProgress = Date.now()
          }
          if (state === 'ended') return
        }
        let entries: Entry[]
        if (!live) {
          entries = await redis.xrange(key, `(${streamId(cursor)}`, '+', 'COUNT', batch)
          if (entries.length === 0) {
            live = true
            continue
          }
        } else {
          if (stop.aborted) return
          const blockMs = Math.max(1, staleMs - (Date.now() - lastProgress))
          entries = await reader.read(key, streamId(cursor), blockMs, stop)
          if (entries.length === 0) {
            if (stop.aborted) return
            if (Date.now() - lastProgress >= staleMs) throw new FrameStreamStale(messageId, staleMs)
            continue
          }
        }
        for (const entry of entries) {
          const item = decode(entry)
          if (item.index <= cursor) continue
          // A hole means frames were trimmed (or lost) between two reads: the answer cannot be replayed whole.
          if (item.index !== cursor + 1) throw new FrameStreamGone(messageId, 'trimmed')
          cursor = item.index
          lastProgress = Date.now()
          yield item
          if (isTerminal(item.frame)) return
          if (stop.aborted) return
        }
      } catch (error) {
        if (stop.aborted) return
        if (!retryable(error)) throw error
        outageSince ??= Date.now()
        if (Date.now() - outageSince > staleMs) throw error
        await delay(100, stop)
        probed = false // after an outage: check the stream survived it and was not trimmed past us
      }
    }
  }

  return {
    // One XADD a frame, written before the frame reaches local sockets (Answer.emit appends here first): a
    // tick's appends batched into one pipeline would leave after the local send, and an instance killed in
    // between would have shown a client a frame the shared log never got. Coalescing cuts the XADDs instead.
    async append(messageId, index, frame, json = JSON.stringify(frame)) {
      if (closing.signal.aborted) throw new Error('frame stream is closed')
      if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`frame index must be a whole number >= 0 (got ${index})`)
      const key = keyOf(messageId)
      // The TTL is set with the first frame, renewed every TTL_REFRESH_FRAMES frames and with the last one,
      // so a stream still expires ttlMs after its answer; then in the same round trip as the XADD.
      if (index % TTL_REFRESH_FRAMES === 0 || isTerminal(frame)) await redis.eval(APPEND_AND_EXPIRE, 1, key, options.maxFrames, streamId(index), json, options.ttlMs)
      else await redis.xadd(key, 'MAXLEN', options.maxFrames, streamId(index), 'f', json)
    },
    follow: (messageId, afterIndex, followOptions) => follow(messageId, afterIndex, followOptions),
    async close() {
      closing.abort()
      reader.close()
    },
  }
}
