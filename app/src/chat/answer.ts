/** One answer produced on this instance: its frames, its sequence counter and its AbortController. */
import { AnswerLog, type ReplayResult, type Subscriber } from './answer-log.js'
import type { Coordinator } from './coordinator.js'
import { DeltaCoalescer } from './delta-coalescer.js'
import { deltaJson, deltaJsonPrefix, frames, type AnswerIds, type ServerFrame, type ToolEvent } from '../protocol/frames.js'

export type CancelReason = 'cancelled' | 'abandoned' | 'slow_consumer' | 'shutdown'

/** What transports need of an answer, whether it runs here or on another instance. */
export interface AnswerView {
  readonly ids: AnswerIds
  readonly userId: string | undefined
  /** True when this instance produces it (and so can cancel it at once). */
  readonly local: boolean
  readonly subscriberCount: number
  readonly finished: boolean
  /** Frames after delta `lastSeq` (-1: from chat_start), then live ones until the terminal frame. */
  attach(subscriber: Subscriber, lastSeq?: number): ReplayResult
  cancel(reason: CancelReason): void
}

/** The index of a frame in an answer's log: chat_start is 0, delta `seq` is seq + 1, the terminal frame last. */
export const afterIndexOf = (lastSeq: number) => (lastSeq < 0 ? -1 : lastSeq + 1)

export class Answer implements AnswerView {
  readonly local = true
  readonly log: AnswerLog
  readonly startedAt = Date.now()
  readonly controller = new AbortController()
  firstTokenAt: number | undefined
  text = ''
  cancelReason: CancelReason | undefined
  readonly done: Promise<void>
  private nextSeq = 0
  private frameIndex = 0
  private graceTimer: NodeJS.Timeout | undefined
  private resolveDone!: () => void
  private readonly coalescer: DeltaCoalescer

  constructor(
    readonly ids: AnswerIds,
    readonly userId: string | undefined,
    logMaxFrames: number,
    private readonly resumeGraceMs: number,
    private readonly coordinator: Coordinator,
    /** Tokens arriving closer together than this share a delta (0: one delta per token). */
    deltaCoalesceMs = 0,
  ) {
    this.log = new AnswerLog(logMaxFrames, (count) => this.onSubscribers(count))
    const prefix = deltaJsonPrefix(ids)
    this.coalescer = new DeltaCoalescer(deltaCoalesceMs, (text) => {
      const seq = this.nextSeq++
      this.emit(frames.delta(ids, seq, text), deltaJson(prefix, seq, text))
    })
    this.done = new Promise((resolve) => (this.resolveDone = resolve))
  }

  get deltaCount(): number {
    return this.nextSeq
  }

  get finished(): boolean {
    return this.log.isEnded
  }

  get subscriberCount(): number {
    return this.log.subscriberCount
  }

  attach(subscriber: Subscriber, lastSeq = -1): ReplayResult {
    return this.log.subscribe(subscriber, lastSeq)
  }

  cancel(reason: CancelReason): void {
    if (this.finished || this.controller.signal.aborted) return
    this.cancelReason = reason
    this.controller.abort(reason)
  }

  /**
   * What to keep of it once finished, for resume: its ids, its user and its log. The rest (the controller, the
   * coalescer, the promise, their closures) is left to die young rather than being kept, promoted and then
   * collected as old with the hundreds of answers kept.
   */
  finishedView(): AnswerView {
    return new FinishedAnswer(this.ids, this.userId, this.log)
  }

  /** Appends a frame to the local log and, in order, to the shared one; its JSON is made once for all. */
  emit(frame: ServerFrame, json = JSON.stringify(frame)): void {
    this.coordinator.append(this.ids.messageId, this.frameIndex++, frame, json)
    this.log.append(frame, json)
  }

  /** Adds a token; it leaves in the next delta (numbered without gaps), alone or with its neighbours. */
  delta(text: string): void {
    this.text += text
    this.coalescer.push(text)
  }

  /** A tool call the server ran: after the text before it, numbered in the same sequence as the deltas. */
  tool(event: ToolEvent): void {
    this.coalescer.flush()
    this.emit(frames.tool(this.ids, this.nextSeq++, event))
  }

  end(frame: ServerFrame): void {
    clearTimeout(this.graceTimer)
    this.coalescer.flush()
    this.emit(frame)
    this.resolveDone()
  }

  private onSubscribers(count: number): void {
    clearTimeout(this.graceTimer)
    if (count > 0 || this.finished) return
    // Nobody is listening here: keep streaming for a while so a reconnect (to any instance) can resume.
    if (this.resumeGraceMs === 0) return this.cancel('abandoned')
    const check = () => {
      void this.coordinator.isWatchedElsewhere(this.ids.messageId).then(
        (watched) => {
          if (this.log.subscriberCount > 0 || this.finished) return
          if (watched) this.graceTimer = setTimeout(check, this.resumeGraceMs)
          else this.cancel('abandoned')
        },
        () => this.cancel('abandoned'),
      )
    }
    this.graceTimer = setTimeout(check, this.resumeGraceMs)
  }
}

/** A finished local answer as kept for resume: replays its log; nothing to cancel. */
class FinishedAnswer implements AnswerView {
  readonly local = true
  readonly subscriberCount = 0
  readonly finished = true

  constructor(
    readonly ids: AnswerIds,
    readonly userId: string | undefined,
    private readonly log: AnswerLog,
  ) {}

  attach(subscriber: Subscriber, lastSeq = -1): ReplayResult {
    return this.log.subscribe(subscriber, lastSeq)
  }

  cancel(): void {}
}
