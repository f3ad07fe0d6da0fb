/** An answer as an AI SDK UI message stream response: frames through the bounded attach, encoded as UI chunks. */
import type { AnswerView } from '../../chat/answer-service.js'
import { attachBounded } from '../bounded-attach.js'
import { createUiChunkEncoder, DONE, sseChunk, UI_MESSAGE_STREAM_HEADERS } from './ui-chunks.js'

const KEEPALIVE_MS = 15_000
const keepaliveComment = new TextEncoder().encode(': keepalive\n\n')

export interface UiStreamOptions {
  /** Bytes the client may leave unread before it is cut loose with an `error` chunk (WS_MAX_BUFFERED_BYTES). */
  maxBufferedBytes: number
  headers?: Record<string, string>
}

/**
 * Streams `answer` from its start as UI message chunks, ending with `data: [DONE]`. Replaying from the start
 * (resume) gives the same chunks as the first time: the encoder is a function of the frames alone.
 * Undefined when the answer can no longer be followed.
 */
export function uiMessageStreamResponse(answer: AnswerView, options: UiStreamOptions): Response | undefined {
  const encoder = createUiChunkEncoder()
  let detach = () => {}
  let keepalive: NodeJS.Timeout | undefined
  let subscribed = true
  let closed = false
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const close = () => {
          if (closed) return
          closed = true
          clearInterval(keepalive)
          detach()
          try {
            controller.enqueue(DONE)
            controller.close()
          } catch {
            // already closed by the client
          }
        }
        const attachment = attachBounded(
          answer,
          -1,
          {
            backlog: () => options.maxBufferedBytes - (controller.desiredSize ?? 0),
            send(frame) {
              for (const chunk of encoder.encode(frame)) controller.enqueue(sseChunk(chunk))
            },
            ended: () => queueMicrotask(close),
          },
          options.maxBufferedBytes,
        )
        if (!attachment) {
          subscribed = false
          return
        }
        detach = attachment.detach
        if (answer.finished && encoder.ended) return queueMicrotask(close)
        keepalive = setInterval(() => controller.enqueue(keepaliveComment), KEEPALIVE_MS)
      },
      cancel() {
        closed = true
        clearInterval(keepalive)
        // Only a detach: the answer then follows RESUME_GRACE_MS, so a reload can resume it (docs/ai-sdk.md).
        detach()
      },
    },
    { highWaterMark: options.maxBufferedBytes, size: (chunk) => chunk.byteLength },
  )
  if (!subscribed) return undefined
  return new Response(stream, { headers: { ...UI_MESSAGE_STREAM_HEADERS, ...options.headers } })
}
