/**
 * One blocking reader per instance for every Redis Stream it follows: a single `XREAD BLOCK` over all
 * followed streams on one connection, so a storm of resumes costs one connection, not one each. A follower
 * that joins while the XREAD blocks without its stream gets it restarted (`CLIENT UNBLOCK` from the shared
 * connection); the connection closes after a second with nobody following.
 */
import type { Redis } from 'ioredis'

export type Entry = [id: string, fields: string[]]

export interface StreamReader {
  /**
   * Entries of `key` after stream id `afterId` (at most the batch size), waiting up to `blockMs` for some;
   * [] when none came in time or `signal` aborted. Rejects when Redis fails (the caller retries).
   */
  read(key: string, afterId: string, blockMs: number, signal: AbortSignal): Promise<Entry[]>
  /** Open blocking connections (0 or 1), for tests and stats. */
  readonly connections: number
  close(): void
}

interface Waiter {
  key: string
  afterId: string
  deadline: number
  resolve: (entries: Entry[]) => void
  reject: (error: unknown) => void
  signal: AbortSignal
  onAbort: () => void
}

/** Orders stream ids `ms-seq` (both parts whole numbers). */
export function compareIds(a: string, b: string): number {
  const da = a.indexOf('-')
  const db = b.indexOf('-')
  const ms = Number(a.slice(0, da)) - Number(b.slice(0, db))
  return ms !== 0 ? ms : Number(a.slice(da + 1)) - Number(b.slice(db + 1))
}

const IDLE_CLOSE_MS = 1000
/** A cap on one XREAD's wait, so a lost UNBLOCK can delay a newcomer by this much at worst. */
const MAX_BLOCK_MS = 2000

export function createStreamReader(redis: Redis, batch: number): StreamReader {
  const waiters = new Set<Waiter>()
  let connection: Redis | undefined
  let connectionId: number | undefined
  let running = false
  let scheduled = false
  let closed = false
  /** The streams (and ids) of the XREAD in flight, and a token that changes with each XREAD. */
  let inFlight: Map<string, string> | undefined
  let generation = 0
  let unblocking = false
  let idleTimer: NodeJS.Timeout | undefined

  function open(): Redis {
    clearTimeout(idleTimer)
    if (connection) return connection
    const c = redis.duplicate()
    c.on('error', () => {}) // failures surface as rejected reads
    c.on('close', () => (connectionId = undefined))
    connection = c
    return c
  }

  function closeWhenIdle(): void {
    clearTimeout(idleTimer)
    idleTimer = setTimeout(() => {
      if (waiters.size > 0 || running) return
      connection?.disconnect()
      connection = undefined
      connectionId = undefined
    }, IDLE_CLOSE_MS)
    idleTimer.unref()
  }

  function schedule(): void {
    if (scheduled || running) return
    scheduled = true
    setImmediate(() => {
      scheduled = false
      void loop()
    })
  }

  /** Restarts the XREAD in flight so it includes a newcomer; retried until Redis had it blocked. */
  async function unblock(): Promise<void> {
    if (unblocking || connectionId === undefined) return
    unblocking = true
    const token = generation
    try {
      while (token === generation && inFlight && connectionId !== undefined) {
        if (Number(await redis.client('UNBLOCK', connectionId)) === 1) return
        await new Promise((resolve) => setImmediate(resolve))
      }
    } catch {
      // The XREAD returns by itself within MAX_BLOCK_MS.
    } finally {
      unblocking = false
    }
  }

  function settle(waiter: Waiter, entries: Entry[]): void {
    waiters.delete(waiter)
    waiter.signal.removeEventListener('abort', waiter.onAbort)
    waiter.resolve(entries)
  }

  async function loop(): Promise<void> {
    running = true
    try {
      while (waiters.size > 0 && !closed) {
        const c = open()
        const failAll = (error: unknown) => {
          inFlight = undefined
          for (const w of [...waiters]) {
            waiters.delete(w)
            w.signal.removeEventListener('abort', w.onAbort)
            w.reject(error)
          }
        }
        try {
          connectionId ??= Number(await c.client('ID'))
        } catch (error) {
          failAll(error)
          break
        }
        // Built right before the XREAD is sent: whoever joins later is covered by an UNBLOCK.
        const now = Date.now()
        const streams = new Map<string, string>()
        let deadline = Infinity
        for (const w of [...waiters]) {
          if (w.deadline <= now) {
            settle(w, [])
            continue
          }
          const id = streams.get(w.key)
          if (id === undefined || compareIds(w.afterId, id) < 0) streams.set(w.key, w.afterId)
          deadline = Math.min(deadline, w.deadline)
        }
        if (streams.size === 0) break
        let reply: [key: string, entries: Entry[]][] | null
        try {
          generation++
          inFlight = streams
          const blockMs = Math.max(1, Math.min(MAX_BLOCK_MS, deadline - now))
          reply = (await c.xread('COUNT', batch, 'BLOCK', blockMs, 'STREAMS', ...streams.keys(), ...streams.values()))
        } catch (error) {
          failAll(error)
          break
        }
        inFlight = undefined
        for (const [key, entries] of reply ?? []) {
          for (const w of [...waiters]) {
            if (w.key !== key) continue
            const after = entries.filter(([id]) => compareIds(id, w.afterId) > 0)
            if (after.length > 0) settle(w, after)
          }
        }
        // Let the followers just served ask again, so the next XREAD includes them.
        await new Promise((resolve) => setImmediate(resolve))
      }
    } finally {
      running = false
      if (waiters.size > 0 && !closed) schedule()
      else closeWhenIdle()
    }
  }

  return {
    read(key, afterId, blockMs, signal) {
      if (closed || signal.aborted) return Promise.resolve([])
      return new Promise<Entry[]>((resolve, reject) => {
        const waiter: Waiter = { key, afterId, deadline: Date.now() + blockMs, resolve, reject, signal, onAbort: () => settle(waiter, []) }
        signal.addEventListener('abort', waiter.onAbort, { once: true })
        waiters.add(waiter)
        clearTimeout(idleTimer)
        if (!running) return schedule()
        const covered = inFlight?.get(key)
        if (inFlight && (covered === undefined || compareIds(covered, afterId) > 0)) void unblock()
      })
    },
    get connections() {
      return connection ? 1 : 0
    },
    close() {
      closed = true
      clearTimeout(idleTimer)
      for (const w of [...waiters]) settle(w, [])
      connection?.disconnect()
      connection = undefined
    },
  }
}
