/** SSE adapter: the same answers and frames as the socket, over one HTTP response per answer. */
import { Hono, type Context } from 'hono'
import type { AnswerService, AnswerView } from '../chat/answer-service.js'
import { isAdmissionRefusal, type Admission, type Guard } from '../guard/guard.js'
import type { GuardedStart } from '../guard/guarded-start.js'
import { ChatRequestSchema, describeIssues, IdSchema, isTerminal, type ServerFrame } from '../protocol/frames.js'
import { attachBounded } from './bounded-attach.js'
import { httpError, refusalResponse } from './http-error.js'
import { EVENT_STREAM_HEADERS, readJsonBody } from './json-body.js'

const encoder = new TextEncoder()
const KEEPALIVE_MS = 15_000

/** The SSE id of an answer's terminal frame: a reconnect that sends it back gets 204, so EventSource stops. */
export const END_EVENT_ID = 'end'

export function encodeSse(frame: ServerFrame, json = JSON.stringify(frame)): Uint8Array {
  const id = frame.seq !== undefined ? `id: ${frame.seq}\n` : isTerminal(frame) ? `id: ${END_EVENT_ID}\n` : ''
  return encoder.encode(`event: ${frame.type}\n${id}data: ${json}\n\n`)
}

/**
 * Streams an answer from after delta `lastSeq` as an SSE response. When the client goes away the stream is
 * cancelled and the subscription detached (the answer then follows its resume grace). A client that stops
 * reading past `maxBufferedBytes` gets `slow_consumer` and, if nobody else listens, the answer is cancelled.
 */
export function sseResponse(answer: AnswerView, lastSeq: number, maxBufferedBytes: number, headers: Record<string, string> = {}): Response | undefined {
  let detach = () => {}
  let keepalive: NodeJS.Timeout | undefined
  let subscribed = true
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const close = () => {
          clearInterval(keepalive)
          detach()
          try {
            controller.close()
          } catch {
            // already closed by the client
          }
        }
        const attachment = attachBounded(
          answer,
          lastSeq,
          {
            // Bytes queued past what the client took: the stream's high-water mark minus its desired size.
            backlog: () => maxBufferedBytes - (controller.desiredSize ?? 0),
            send: (frame, json) => controller.enqueue(encodeSse(frame, json)),
            ended: () => queueMicrotask(close),
          },
          maxBufferedBytes,
        )
        if (!attachment) {
          subscribed = false
          return
        }
        detach = attachment.detach
        if (answer.finished) return queueMicrotask(close)
        keepalive = setInterval(() => controller.enqueue(encoder.encode(': keepalive\n\n')), KEEPALIVE_MS)
      },
      cancel() {
        clearInterval(keepalive)
        detach()
      },
    },
    { highWaterMark: maxBufferedBytes, size: (chunk) => chunk.byteLength },
  )
  if (!subscribed) return undefined
  return new Response(stream, {
    headers: { ...EVENT_STREAM_HEADERS, ...headers },
  })
}

export interface SseDeps {
  answers: Pick<AnswerService, 'open'>
  start: GuardedStart
  maxContentChars: number
  maxBufferedBytes: number
  guard: Pick<Guard, 'admit'>
}

/** Reads `Last-Event-ID` (the last delta seq the client saw); -1 when absent. */
function lastEventId(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '') return -1
  return /^\d+$/.test(header.trim()) ? Number(header.trim()) : undefined
}

/**
 * `POST /api/playground/assistant/chat` starts an answer and streams it; the same POST with a `messageId`
 * of a known answer and a `Last-Event-ID` header resumes it. `GET /api/playground/assistant/chat/:messageId`
 * resumes for EventSource clients (which reconnect with GET and `Last-Event-ID`).
 */
export function sseChatRoutes(deps: SseDeps): Hono {
  const app = new Hono()
  const schema = ChatRequestSchema(deps.maxContentChars)

  const resume = async (admission: Admission, c: Context, messageId: string) => {
    // The client saw the answer end: 204 is how SSE says "do not reconnect".
    if (c.req.header('last-event-id')?.trim() === END_EVENT_ID) return c.body(null, 204)
    const lastSeq = lastEventId(c.req.header('last-event-id'))
    if (lastSeq === undefined) return httpError('invalid_message', `Last-Event-ID must be the number of the last chat_delta received, or ${END_EVENT_ID}`)
    const answer = await deps.answers.open(messageId)
    const userId = admission.identity.userId
    const response = answer && (answer.userId === undefined || answer.userId === userId) ? sseResponse(answer, lastSeq, deps.maxBufferedBytes) : undefined
    return response ?? httpError('resume_unavailable', `Answer ${messageId} can no longer be resumed; send the question again`, { extra: { messageId } })
  }

  app.post('/api/playground/assistant/chat', async (c) => {
    const admission = await deps.guard.admit(c)
    if (isAdmissionRefusal(admission)) return refusalResponse(admission)
    const read = await readJsonBody(c)
    if (!read.ok) {
      return read.problem === 'media_type'
        ? httpError('unsupported_media_type', 'Send the body as JSON with content-type: application/json')
        : httpError('invalid_message', 'The body must be JSON like {"content":"How do I mint a token?"} with content-type application/json')
    }
    const body = read.body
    const parsed = schema.safeParse(body)
    if (!parsed.success) return httpError('invalid_message', `Invalid chat request: ${describeIssues(parsed.error)}`)
    const request = parsed.data
    if (request.messageId && c.req.header('last-event-id') !== undefined) return resume(admission, c, request.messageId)
    const result = await deps.start(admission, request)
    if (!result.ok) {
      const { code, error, messageId, retryAfter } = result
      return httpError(code, error, { extra: { ...(messageId ? { messageId } : {}), ...(retryAfter ? { retryAfter } : {}) } })
    }
    const response = sseResponse(result.answer, -1, deps.maxBufferedBytes, { 'x-message-id': result.answer.ids.messageId, 'x-conversation-id': result.answer.ids.conversationId })
    return response ?? httpError('internal_error', 'The answer could not be streamed')
  })

  app.get('/api/playground/assistant/chat/:messageId', async (c) => {
    const admission = await deps.guard.admit(c)
    if (isAdmissionRefusal(admission)) return refusalResponse(admission)
    const messageId = IdSchema.safeParse(c.req.param('messageId'))
    if (!messageId.success) return httpError('invalid_message', `messageId ${describeIssues(messageId.error)}`)
    return resume(admission, c, messageId.data)
  })
  return app
}
