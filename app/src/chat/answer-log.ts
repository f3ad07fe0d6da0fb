/** The ordered frame log of one answer: replay from a sequence number, then live frames, in order. */
import { frames as build, isTerminal, type ServerFrame } from '../protocol/frames.js'

/** Receives each frame with its JSON when the log has it (serialized once, however many subscribers). */
export type Subscriber = (frame: ServerFrame, json?: string) => void

export interface ReplayResult {
  ok: boolean
  detach: () => void
}

/** A finished answer's log, kept for resume as its delta texts only: a tenth of the memory of the frames. */
interface Compacted {
  start: ServerFrame | undefined
  firstSeq: number
  contents: string[]
  terminal: ServerFrame
}

/**
 * In-memory log, bounded to `maxFrames` (oldest dropped first), compacted once the answer ends. Frames are
 * delivered synchronously, so a subscriber that replays and then joins the live set can neither miss nor
 * repeat a frame.
 */
export class AnswerLog {
  private frames: ServerFrame[] = []
  /** The JSON of each frame in `frames`, made once when it was appended. */
  private jsons: string[] = []
  private compacted: Compacted | undefined
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

  append(frame: ServerFrame, json = JSON.stringify(frame)): void {
    if (this.ended) return
    this.frames.push(frame)
    this.jsons.push(json)
    if (this.frames.length > this.maxFrames) {
      this.frames.shift()
      this.jsons.shift()
      this.dropped++
    }
    if (isTerminal(frame)) this.ended = true
    for (const subscriber of [...this.subscribers]) subscriber(frame, json)
    if (this.ended) {
      this.subscribers.clear()
      this.onSubscribersChanged(0)
      this.compact(frame)
    }
  }

  private compact(terminal: ServerFrame): void {
    const deltas = this.frames.filter((f) => f.type === 'chat_delta')
    this.compacted = {
      start: this.frames.find((f) => f.type === 'chat_start'),
      firstSeq: deltas[0]?.seq ?? 0,
      contents: deltas.map((d) => d.content ?? ''),
      terminal,
    }
    this.frames = []
    this.jsons = []
  }

  /** The stored frames (with their JSON while streaming), rebuilt from the compacted form once the answer ended. */
  private *stored(): Iterable<[ServerFrame, string | undefined]> {
    if (!this.compacted) {
      for (let i = 0; i < this.frames.length; i++) yield [this.frames[i]!, this.jsons[i]]
      return
    }
    const { start, firstSeq, contents, terminal } = this.compacted
    if (start) yield [start, undefined]
    const ids = { messageId: terminal.messageId!, conversationId: terminal.conversationId! }
    for (let i = 0; i < contents.length; i++) yield [build.delta(ids, firstSeq + i, contents[i]!), undefined]
    yield [terminal, undefined]
  }

  /**
   * Sends every stored frame after delta `lastSeq` (-1: from the start, including `chat_start`), then live
   * frames until the terminal one. `ok` is false when frames after `lastSeq` were already dropped.
   */
  subscribe(subscriber: Subscriber, lastSeq = -1): ReplayResult {
    const first = this.compacted ? { seq: this.compacted.firstSeq } : this.frames[0]
    if (this.dropped > 0 && (lastSeq === -1 || (first?.seq ?? Infinity) > lastSeq + 1)) {
      return { ok: false, detach: () => {} }
    }
    for (const [frame, json] of this.stored()) {
      if (frame.type === 'chat_start' && lastSeq >= 0) continue
      if (frame.seq !== undefined && frame.seq <= lastSeq) continue
      subscriber(frame, json)
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
