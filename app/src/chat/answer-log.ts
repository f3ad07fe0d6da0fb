/** The ordered frame log of one answer: replay from a sequence number, then live frames, in order. */
import { frames as build, isTerminal, type AnswerIds, type ServerFrame } from '../protocol/frames.js'

/** Receives each frame with its JSON when the log has it (serialized once, however many subscribers). */
export type Subscriber = (frame: ServerFrame, json?: string) => void

export interface ReplayResult {
  ok: boolean
  detach: () => void
}

/**
 * A numbered frame as the log keeps it: a delta as its text, any other (a tool call) whole. A delta frame and
 * its JSON die young once sent, instead of living, and being copied by every scavenge, as long as the answer.
 */
type Entry = string | ServerFrame

const detached = () => {}

/**
 * In-memory log, bounded to `maxFrames` (oldest dropped first). Frames are delivered synchronously, so a
 * subscriber that replays and then joins the live set can neither miss nor repeat a frame. Replayed deltas
 * are rebuilt from their text (resuming is rare; streaming is not).
 */
export class AnswerLog {
  private start: ServerFrame | undefined
  private entries: Entry[] = []
  /** The seq of `entries[0]`. */
  private firstSeq = 0
  private ids: AnswerIds | undefined
  private terminal: ServerFrame | undefined
  private dropped = 0
  private readonly subscribers = new Set<Subscriber>()

  constructor(private readonly maxFrames: number, private onSubscribersChanged: (count: number) => void = detached) {}

  get subscriberCount(): number {
    return this.subscribers.size
  }

  get isEnded(): boolean {
    return this.terminal !== undefined
  }

  append(frame: ServerFrame, json = JSON.stringify(frame)): void {
    if (this.terminal) return
    if (isTerminal(frame)) this.terminal = frame
    else if (frame.seq === undefined) this.start = frame
    else this.keep(frame)
    for (const subscriber of [...this.subscribers]) subscriber(frame, json)
    if (this.terminal) {
      this.subscribers.clear()
      this.onSubscribersChanged(0)
      // Nobody joins an ended log live: a finished answer's log kept for resume no longer holds its producer.
      this.onSubscribersChanged = detached
    }
  }

  private keep(frame: ServerFrame): void {
    if (this.entries.length === 0) this.firstSeq = frame.seq!
    this.ids ??= { messageId: frame.messageId!, conversationId: frame.conversationId! }
    this.entries.push(frame.type === 'chat_delta' ? (frame.content ?? '') : frame)
    if (this.entries.length + (this.start ? 1 : 0) <= this.maxFrames) return
    // chat_start goes first, then the oldest numbered frames.
    if (this.start) this.start = undefined
    else {
      this.entries.shift()
      this.firstSeq++
    }
    this.dropped++
  }

  /**
   * Sends every stored frame after delta `lastSeq` (-1: from the start, including `chat_start`), then live
   * frames until the terminal one. `ok` is false when frames after `lastSeq` were already dropped.
   */
  subscribe(subscriber: Subscriber, lastSeq = -1): ReplayResult {
    if (this.dropped > 0 && (lastSeq === -1 || this.firstSeq > lastSeq + 1)) return { ok: false, detach: detached }
    if (this.start && lastSeq < 0) subscriber(this.start)
    for (let i = Math.max(0, lastSeq + 1 - this.firstSeq); i < this.entries.length; i++) {
      const entry = this.entries[i]!
      subscriber(typeof entry === 'string' ? build.delta(this.ids!, this.firstSeq + i, entry) : entry)
    }
    if (this.terminal) {
      subscriber(this.terminal)
      return { ok: true, detach: detached }
    }
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
