/** An answer's frames as an async queue: a response pulls them at its own pace, bounded in bytes. */
import type { AnswerView } from '../../chat/answer-service.js'
import { isTerminal, type ServerFrame } from '../../protocol/frames.js'
import { attachBounded } from '../bounded-attach.js'

export interface FrameFeed {
  /** The next frame; after the terminal one (or `close`), undefined. */
  next(): Promise<ServerFrame | undefined>
  /** Stops listening; pending and later `next` calls get undefined. */
  close(): void
}

/**
 * Subscribes to `answer` from its start. A reader that falls more than `maxBufferedBytes` of frames behind
 * gets a `slow_consumer` error as its last frame and the answer is cancelled if nobody else listens.
 */
export function followAnswer(answer: AnswerView, maxBufferedBytes: number): FrameFeed {
  const queue: ServerFrame[] = []
  let buffered = 0
  let ended = false
  let waiting: ((frame: ServerFrame | undefined) => void) | undefined
  let detach = () => {}

  function push(frame: ServerFrame): void {
    if (ended) return
    if (isTerminal(frame) || frame.code === 'slow_consumer') ended = true
    if (waiting) {
      const resolve = waiting
      waiting = undefined
      return resolve(frame)
    }
    queue.push(frame)
    buffered += sizeOf(frame)
  }

  const attachment = attachBounded(answer, -1, { backlog: (next) => buffered + sizeOf(next), send: push }, maxBufferedBytes)
  if (attachment) detach = attachment.detach
  else {
    ended = true
    queue.push({ type: 'error', code: 'resume_unavailable', error: 'The answer can no longer be followed; send the request again', ...answer.ids })
  }

  return {
    async next() {
      const frame = queue.shift()
      if (frame) {
        buffered -= sizeOf(frame)
        return frame
      }
      if (ended) return undefined
      return new Promise((resolve) => (waiting = resolve))
    },
    close() {
      ended = true
      queue.length = 0
      detach()
      waiting?.(undefined)
      waiting = undefined
    },
  }
}

/** What a frame holds up in the queue: its text (the rest is a few bytes). */
const sizeOf = (frame: ServerFrame) => frame.content?.length ?? 0
