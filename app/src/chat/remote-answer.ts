/** An answer another instance produces, followed through the shared log. */
import { frames, type AnswerIds } from '../protocol/frames.js'
import type { ReplayResult, Subscriber } from './answer-log.js'
import { afterIndexOf, type AnswerView } from './answer.js'
import { AnswerGone, AnswerStale, type AnswerMeta, type Coordinator } from './coordinator.js'

/** An answer another instance produces, read from the shared log. */
export class RemoteAnswer implements AnswerView {
  readonly local = false
  readonly subscriberCount = 0
  readonly finished = false
  readonly ids: AnswerIds
  readonly userId: string | undefined
  /** The traceparent the answer started under (telemetry). */
  readonly trace: string | undefined

  constructor(meta: AnswerMeta, private readonly coordinator: Coordinator, private readonly staleMs: number) {
    this.ids = { messageId: meta.messageId, conversationId: meta.conversationId }
    this.userId = meta.userId
    this.trace = meta.trace
  }

  attach(subscriber: Subscriber, lastSeq = -1): ReplayResult {
    const controller = new AbortController()
    const stopWatching = this.coordinator.watch(this.ids.messageId)
    const follow = async () => {
      try {
        for await (const { frame, json } of this.coordinator.follow(this.ids.messageId, afterIndexOf(lastSeq), { signal: controller.signal, staleMs: this.staleMs })) {
          subscriber(frame, json)
        }
      } catch (error) {
        if (controller.signal.aborted) return
        subscriber(
          error instanceof AnswerStale
            ? frames.error('answer_interrupted', 'The server producing this answer stopped before it ended; ask again', this.ids)
            : error instanceof AnswerGone
              ? frames.error('resume_unavailable', 'This answer can no longer be resumed; ask again', this.ids)
              : frames.error('unavailable', 'The shared store is unreachable; try again shortly', this.ids),
        )
      } finally {
        stopWatching()
      }
    }
    void follow()
    return { ok: true, detach: () => controller.abort() }
  }

  cancel(): void {
    void this.coordinator.requestCancel(this.ids.messageId).catch(() => {})
  }
}
