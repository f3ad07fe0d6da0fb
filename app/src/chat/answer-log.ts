/** The ordered frame log of one answer: replay from a sequence number, then live frames, in order. */
import { isTerminal, type ServerFrame } from '../protocol/frames.js'

export type Subscriber = (frame: ServerFrame) => void

export interface ReplayResult {
  ok: boolean
  detach: () => void
}

/**
 * In-memory log, bounded to `maxFrames` (oldest dropped first). Frames are delivered synchronously, so a
 * subscriber that replays and then joins the live set can neither miss nor repeat a frame.
 */
export class AnswerLog {
  private frames: ServerFrame[] = []
  private dropped = 0
  private readonly subscribers = new Set<Subscriber>()
  private ended = false

  constructor(private readonly maxFrames: number, private readonly onSubscribersChanged: (count: number) => void = () => {}) {}

  get subscriberCount(): number {
    return this.subscribers.size
  }

  get isEnded(): boolean {
    return this.ended
  }

  append(frame: ServerFrame): void {
    if (this.ended) return
    this.frames.push(frame)
    if (this.frames.length > this.maxFrames) {
      this.frames.shift()
      this.dropped++
    }
    if (isTerminal(frame)) this.ended = true
    for (const subscriber of [...this.subscribers]) subscriber(frame)
    if (this.ended) {
      this.subscribers.clear()
      this.onSubscribersChanged(0)
    }
  }

  /**
   * Sends every stored frame after delta `lastSeq` (-1: from the start, including `chat_start`), then live
   * frames until the terminal one. `ok` is false when frames after `lastSeq` were already dropped.
   */
  subscribe(subscriber: Subscriber, lastSeq = -1): ReplayResult {
    const first = this.frames[0]
    if (this.dropped > 0 && (lastSeq === -1 || (first?.seq ?? Infinity) > lastSeq + 1)) {
      return { ok: false, detach: () => {} }
    }
    for (const frame of this.frames) {
      if (frame.type === 'chat_start' && lastSeq >= 0) continue
      if (frame.seq !== undefined && frame.seq <= lastSeq) continue
      subscriber(frame)
    }
    if (this.ended) return { ok: true, detach: () => {} }
    this.subscribers.add(subscriber)
    this.onSubscribersChanged(this.subscribers.size)
    return {
      ok: true,
      detach: () => {
        if (this.subscribers.delete(subscriber)) this.onSubscribersChanged(this.subscribers.size)
      },
    }
  }
}
