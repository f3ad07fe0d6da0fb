/**
 * The one attach every transport uses: frames of an answer into a sink with a send bound. A sink that falls
 * behind by more than `maxBufferedBytes` gets one `slow_consumer` notice and is cut loose; the answer is
 * cancelled when nobody else listens.
 */
import type { AnswerView } from '../chat/answer-service.js'
import { frames, isTerminal, type ServerFrame } from '../protocol/frames.js'

export interface FrameSink {
  /** Bytes sent but not yet taken by the client (a socket's bufferedAmount, a queue), `next` counted if it waits in it too. */
  backlog(next: ServerFrame): number
  /** Sends one frame; `notice` marks the slow_consumer notice, which goes out even past the bound. */
  send(frame: ServerFrame, json: string | undefined, notice: boolean): void
  /** After the terminal frame or the notice: the subscription is over. */
  ended?(): void
}

export interface BoundedAttachment {
  detach: () => void
}

/** Attaches from after delta `lastSeq` (-1: from the start); undefined when the answer can no longer be followed. */
export function attachBounded(answer: AnswerView, lastSeq: number, sink: FrameSink, maxBufferedBytes: number): BoundedAttachment | undefined {
  let over = false
  let detach = () => {}
  const end = () => {
    // The log may still be replaying to us: detach once that returns.
    queueMicrotask(() => detach())
    sink.ended?.()
  }
  const subscription = answer.attach(function forwardFrame(frame, json) {
    if (over) return
    if (sink.backlog(frame) > maxBufferedBytes) {
      over = true
      // The client stopped reading: cut it loose instead of buffering without bound.
      if (answer.local && answer.subscriberCount <= 1) answer.cancel('slow_consumer')
      sink.send(frames.slowConsumer(answer.ids), undefined, true)
      return end()
    }
    sink.send(frame, json, false)
    if (isTerminal(frame)) end()
  }, lastSeq)
  if (!subscription.ok) return undefined
  detach = subscription.detach
  if (over) subscription.detach()
  return { detach: () => subscription.detach() }
}
