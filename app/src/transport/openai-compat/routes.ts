/**
 * The OpenAI Chat Completions protocol over the same answers as the socket and SSE: `POST /v1/chat/completions`
 * (streamed or whole) and `GET /v1/models`. The conversation is the request's messages; the system prompt, the
 * limits and the spend accounting are the server's.
 */
import { Hono, type Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { AnswerView } from '../../chat/answer-service.js'
import { isAdmissionRefusal, type Guard } from '../../guard/guard.js'
import type { GuardedStart } from '../../guard/guarded-start.js'
import { EVENT_STREAM_HEADERS, readJsonBody } from '../json-body.js'
import type { EditorLimits } from '../../protocol/editor-context.js'
import type { CompleteMetadata, ServerFrame } from '../../protocol/frames.js'
import { chunk, completion, finishReason, hederaExtension, usageChunk, type CompletionIdentity } from './completion-objects.js'
import { errorBody, errorResponse, fromCode, fromDenial, fromRefused, invalidRequest, modelNotFound, type OpenAiError } from './errors.js'
import { followAnswer, type FrameFeed } from './frame-feed.js'
import { parseCompletionRequest, type CompletionRequest } from './request.js'

const encoder = new TextEncoder()
const KEEPALIVE_MS = 15_000

export interface OpenAiCompatDeps {
  start: GuardedStart
  guard: Pick<Guard, 'admit'>
  modelId: string
  /** When the model "was created" for GET /v1/models: the server's start, in seconds. */
  createdAt: number
  maxContentChars: number
  maxHistory: number
  /** Bounds of the `editor` extension (EDITOR_MAX_*). */
  editorLimits?: EditorLimits
  maxBodyBytes: number
  maxBufferedBytes: number
}

export function openAiCompatRoutes(deps: OpenAiCompatDeps): Hono {
  const app = new Hono()
  const model = { id: deps.modelId, object: 'model', created: deps.createdAt, owned_by: 'hedera-playground-assistant' }

  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: deps.maxBodyBytes,
      // The rest of the body is never read, so the connection cannot carry another request: close it.
      onError: () => {
        const response = errorResponse({ status: 413, message: `The request body is over ${deps.maxBodyBytes} bytes; send fewer or shorter messages`, type: 'invalid_request_error', code: 'payload_too_large' })
        response.headers.set('connection', 'close')
        return response
      },
    }),
  )

  app.get('/v1/models', async (c) => {
    const admission = await deps.guard.admit(c)
    if (isAdmissionRefusal(admission)) return errorResponse(fromDenial(admission))
    return c.json({ object: 'list', data: [model] })
  })

  app.get('/v1/models/:id', async (c) => {
    const admission = await deps.guard.admit(c)
    if (isAdmissionRefusal(admission)) return errorResponse(fromDenial(admission))
    const id = c.req.param('id')
    return id === deps.modelId ? c.json(model) : errorResponse(modelNotFound(id, deps.modelId))
  })

  app.post('/v1/chat/completions', async (c) => {
    const admission = await deps.guard.admit(c)
    if (isAdmissionRefusal(admission)) return errorResponse(fromDenial(admission))
    const read = await readJsonBody(c)
    if (!read.ok) {
      return read.problem === 'media_type'
        ? errorResponse({ status: 415, message: 'Send the body as JSON with content-type: application/json', type: 'invalid_request_error', code: 'unsupported_media_type' })
        : errorResponse(invalidRequest('The body must be JSON like {"model":"' + deps.modelId + '","messages":[{"role":"user","content":"How do I mint a token?"}]}'))
    }
    const body = read.body
    const parsed = parseCompletionRequest(body, { maxContentChars: deps.maxContentChars, maxHistory: deps.maxHistory, ...(deps.editorLimits ? { editor: deps.editorLimits } : {}) })
    if (!parsed.ok) return errorResponse(invalidRequest(parsed.error, parsed.param))
    const request = parsed.request
    // With use_custom_key the model is the user's choice among BYOK_MODELS (the service's own id means the default).
    if (!request.useCustomKey && request.model !== deps.modelId) return errorResponse(modelNotFound(request.model, deps.modelId))
    const ownKey = request.useCustomKey ? { useCustomKey: true, ...(request.model !== deps.modelId ? { model: request.model } : {}) } : {}

    const result = await deps.start(admission, { content: request.question, history: request.history, sampling: request.sampling, editor: request.editor, ...ownKey })
    if (!result.ok) return errorResponse(fromRefused(result))
    const answer = result.answer
    const feed = followAnswer(answer, deps.maxBufferedBytes)
    // A client that goes away (closes the stream, or gives up on a whole answer) stops the upstream request.
    const signal = c.req.raw.signal
    const onClientGone = () => {
      answer.cancel('cancelled')
      feed.close()
    }
    if (signal.aborted) onClientGone()
    else signal.addEventListener('abort', onClientGone, { once: true })
    const who: CompletionIdentity = { id: `chatcmpl-${answer.ids.messageId}`, created: Math.floor(Date.now() / 1000), model: deps.modelId }
    return request.stream ? streamed(c, answer, feed, who, request) : whole(answer, feed, who)
  })

  app.all('/v1/*', (c) =>
    errorResponse({
      status: 404,
      message: `No route for ${c.req.method} ${c.req.path}: this service offers POST /v1/chat/completions and GET /v1/models`,
      type: 'invalid_request_error',
      code: 'unknown_url',
    }),
  )
  return app
}

const modelOf = (frame: ServerFrame, fallback: string) => frame.metadata?.model ?? fallback

/** A terminal error frame -> the error a client sees. */
const errorOf = (frame: ServerFrame): OpenAiError => fromCode(frame.code ?? 'internal_error', frame.error ?? 'The answer failed; try again', frame.retryAfter)

/** Reads the whole answer, then answers with one `chat.completion` (or the error that ended it). */
async function whole(answer: AnswerView, feed: FrameFeed, who: CompletionIdentity): Promise<Response> {
  let text = ''
  for (let frame = await feed.next(); frame; frame = await feed.next()) {
    if (frame.type === 'chat_delta') text += frame.content ?? ''
    else if (frame.type === 'chat_complete') return Response.json(completion(who, text, frame.metadata as CompleteMetadata), { headers: { 'x-message-id': answer.ids.messageId } })
    else if (frame.type === 'error') return errorResponse(errorOf(frame))
  }
  return errorResponse(fromCode('internal_error', `The answer ${answer.ids.messageId} ended without a result; send the request again`))
}

/**
 * Streams `chat.completion.chunk` events. The status is decided by the first token: an answer that fails
 * before it gets a real HTTP error (so SDKs retry or raise as usual); one that fails later ends with an
 * `error` event, which the SDKs raise as APIError.
 */
async function streamed(c: Context, answer: AnswerView, feed: FrameFeed, who: CompletionIdentity, request: CompletionRequest): Promise<Response> {
  let first: ServerFrame | undefined
  for (let frame = await feed.next(); frame; frame = await feed.next()) {
    if (frame.type === 'chat_start') who = { ...who, model: modelOf(frame, who.model) }
    else if (frame.type === 'error') return errorResponse(errorOf(frame))
    else {
      first = frame
      break
    }
  }
  if (!first) return errorResponse(fromCode('internal_error', `The answer ${answer.ids.messageId} ended without a result; send the request again`))
  const sse = (payload: unknown) => encoder.encode(`data: ${JSON.stringify(payload)}\n\n`)
  let keepalive: NodeJS.Timeout | undefined
  let closed = false

  /** Enqueues what one frame becomes; true when it ended the stream. */
  function write(controller: ReadableStreamDefaultController<Uint8Array>, frame: ServerFrame): boolean {
    if (frame.type === 'chat_delta') {
      controller.enqueue(sse(chunk(who, { content: frame.content ?? '' }, null, request.includeUsage)))
      return false
    }
    if (frame.type === 'chat_complete') {
      const metadata = frame.metadata as CompleteMetadata
      controller.enqueue(sse(chunk(who, {}, finishReason(metadata), request.includeUsage, hederaExtension(metadata))))
      if (request.includeUsage) controller.enqueue(sse(usageChunk(who, metadata.usage)))
      controller.enqueue(encoder.encode('data: [DONE]\n\n'))
      return true
    }
    if (frame.type === 'error') {
      controller.enqueue(sse(errorBody(errorOf(frame))))
      return true
    }
    return false
  }

  function end(controller: ReadableStreamDefaultController<Uint8Array>): void {
    closed = true
    clearInterval(keepalive)
    feed.close()
    controller.close()
  }

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(sse(chunk(who, { role: 'assistant', content: '' }, null, request.includeUsage)))
      if (write(controller, first)) return end(controller)
      // Comments keep proxies from cutting a quiet stream; the SDKs skip them.
      keepalive = setInterval(() => controller.enqueue(encoder.encode(': keepalive\n\n')), KEEPALIVE_MS)
    },
    async pull(controller) {
      if (closed) return
      const frame = await feed.next()
      if (closed) return
      if (!frame || write(controller, frame)) end(controller)
    },
    cancel() {
      closed = true
      clearInterval(keepalive)
      answer.cancel('cancelled')
      feed.close()
    },
  })
  return c.body(stream, 200, {
    ...EVENT_STREAM_HEADERS,
    'x-message-id': answer.ids.messageId,
  })
}
