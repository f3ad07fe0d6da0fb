/**
 * Turns an answer's tokens into delta texts: the first token goes out at once; later ones that arrive in the
 * same upstream read leave together as soon as that read's callback returned (a microtask, not the end of the
 * event loop's turn: other answers' reads do not delay them); and a busy stream sends at most one delta
 * every `windowMs`, so text is never held longer than that. Fewer frames mean fewer serializations, socket
 * writes, log entries and XADDs. `windowMs` 0 turns it off: one delta per token. A delta never grows past
 * `MAX_DELTA_CHARS`: a socket's outbound bound (WS_MAX_BUFFERED_BYTES) is then overshot by one small frame at most.
 */

/** Pending text at least this long leaves at once (model tokens are a few characters; this is a flood). */
export const MAX_DELTA_CHARS = 16 * 1024

/** What the coalescer needs of time; tests pass a manual one. */
export interface CoalescerClock {
  now(): number
  /** Runs `fn` after `ms` milliseconds. */
  after(ms: number, fn: () => void): () => void
  /** Runs `fn` once the current callback (one upstream read: every token in it) returned (a microtask); not cancellable. */
  soon(fn: () => void): void
}

export const systemClock: CoalescerClock = {
  now: () => performance.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, ms)
    return () => clearTimeout(timer)
  },
  soon: queueMicrotask,
}

export class DeltaCoalescer {
  private pending = ''
  private lastSentAt = Number.NEGATIVE_INFINITY
  private started = false
  /** A microtask is due (`soon`) or a timer is set (its cancel function). */
  private scheduled: 'soon' | (() => void) | undefined
  /**
   * Microtasks queued but made moot by a flush (they cannot be cancelled): they run first (in order), and only
   * count down. Nothing per token is allocated for the common case, a token per read.
   */
  private mootSoons = 0
  private readonly onSoon = () => {
    if (this.mootSoons > 0) {
      this.mootSoons--
      return
    }
    this.scheduled = undefined
    this.flush()
  }
  private readonly onTimer = () => {
    this.scheduled = undefined
    this.flush()
  }

  constructor(
    private readonly windowMs: number,
    private readonly send: (text: string) => void,
    private readonly clock: CoalescerClock = systemClock,
  ) {}

  push(text: string): void {
    if (this.windowMs === 0 || !this.started) {
      this.started = true
      this.lastSentAt = this.windowMs === 0 ? 0 : this.clock.now()
      return this.send(text)
    }
    this.pending += text
    if (this.pending.length >= MAX_DELTA_CHARS) return this.flush()
    if (this.scheduled) return
    const wait = this.lastSentAt + this.windowMs - this.clock.now()
    if (wait > 0) this.scheduled = this.clock.after(wait, this.onTimer)
    else {
      this.scheduled = 'soon'
      this.clock.soon(this.onSoon)
    }
  }

  /** Sends what is pending now (before the answer's terminal frame). */
  flush(): void {
    if (this.scheduled === 'soon') this.mootSoons++
    else this.scheduled?.()
    this.scheduled = undefined
    if (this.pending === '') return
    const text = this.pending
    this.pending = ''
    this.lastSentAt = this.clock.now()
    this.send(text)
  }
}
