/**
 * The AI SDK chat protocol (the Playground's `useChat`): the AI SDK body on `POST /api/playground/assistant/chat`
 * answered with a UI message stream, resume with `GET .../chat/:id/stream`, stop with `DELETE .../chat/:id/stream`.
 */
import { Hono, type Context } from 'hono'
import type { AnswerService } from '../../chat/answer-service.js'
import type { Coordinator } from '../../chat/coordinator.js'
import { isAdmissionRefusal, type Admission, type Guard } from '../../guard/guard.js'
import type { GuardedStart } from '../../guard/guarded-start.js'
import { describeIssues, IdSchema } from '../../protocol/frames.js'
import { refusalResponse } from '../http-error.js'
import { readJsonBody } from '../json-body.js'
import { playgroundError, withPlaygroundFields } from './errors.js'
import { isAiSdkBody, parseAiSdkRequest, type AiSdkRequestLimits } from './request.js'
import { uiMessageStreamResponse } from './ui-stream.js'

export const CHAT_PATH = '/api/playground/assistant/chat'
export const STREAM_PATH = '/api/playground/assistant/chat/:chatId/stream'

export interface AiSdkDeps {
  answers: Pick<AnswerService, 'open'>
  start: GuardedStart
  guard: Pick<Guard, 'admit'>
  coordinator: Pick<Coordinator, 'activeAnswer'>
  limits: AiSdkRequestLimits
  maxBufferedBytes: number
}

export function aiSdkRoutes(deps: AiSdkDeps): Hono {
  const app = new Hono()

  /** The chat id of the path and the answer streaming in it for this user, or the response that says why not. */
  async function activeAnswerOf(c: Context, admission: Admission) {
    const chatId = IdSchema.safeParse(c.req.param('chatId'))
    if (!chatId.success) return playgroundError('invalid_message', `chatId ${describeIssues(chatId.error)}`, { field: 'chatId' })
    const messageId = await deps.coordinator.activeAnswer(chatId.data)
    const answer = messageId ? await deps.answers.open(messageId) : undefined
    // Another user's answer looks like none: existence is not revealed.
    if (!answer || (answer.userId !== undefined && answer.userId !== admission.identity.userId)) return undefined
    return answer
  }

  // The native `{ content }` body shares the path: anything that is not an AI SDK body goes on to the SSE route.
  app.post(CHAT_PATH, async function aiSdkChat(c, next) {
    const read = await readJsonBody(c)
    if (!read.ok || !isAiSdkBody(read.body)) return next()
    const admission = await deps.guard.admit(c)
    if (isAdmissionRefusal(admission)) return withPlaygroundFields(refusalResponse(admission))
    const parsed = parseAiSdkRequest(read.body, deps.limits)
    if (!parsed.ok) return playgroundError('invalid_message', `Invalid chat request: ${parsed.error}`, { field: parsed.field })
    const { request } = parsed
    const result = await deps.start(admission, {
      content: request.question,
      conversationId: request.chatId,
      history: request.history,
      keepTurn: true,
      editor: request.editor,
      // The Playground's own-key switch rides in the last message's metadata, with the model it chose.
      ...(request.editor?.useCustomKey ? { useCustomKey: true, ...(request.editor.model ? { model: request.editor.model } : {}) } : {}),
    })
    if (!result.ok) {
      const { code, error, messageId, retryAfter } = result
      return playgroundError(code, error, { extra: { ...(messageId ? { messageId } : {}), ...(retryAfter ? { retryAfter } : {}) } })
    }
    const { ids } = result.answer
    const response = uiMessageStreamResponse(result.answer, { maxBufferedBytes: deps.maxBufferedBytes, headers: { 'x-message-id': ids.messageId, 'x-conversation-id': ids.conversationId } })
    return response ?? playgroundError('internal_error', 'The answer could not be streamed')
  })

  // useChat({ resume: true }) asks on mount; 204 tells it no answer is streaming.
  app.get(STREAM_PATH, async function resumeChat(c) {
    const admission = await deps.guard.admit(c)
    if (isAdmissionRefusal(admission)) return withPlaygroundFields(refusalResponse(admission))
    const answer = await activeAnswerOf(c, admission)
    if (answer instanceof Response) return answer
    if (!answer) return c.body(null, 204)
    return uiMessageStreamResponse(answer, { maxBufferedBytes: deps.maxBufferedBytes, headers: { 'x-message-id': answer.ids.messageId } }) ?? c.body(null, 204)
  })

  // The Stop that reaches the upstream: closing the stream only detaches (so a reload can resume).
  app.delete(STREAM_PATH, async function stopChat(c) {
    const admission = await deps.guard.admit(c)
    if (isAdmissionRefusal(admission)) return withPlaygroundFields(refusalResponse(admission))
    const answer = await activeAnswerOf(c, admission)
    if (answer instanceof Response) return answer
    if (!answer) return c.body(null, 204)
    // A local answer aborts its upstream request at once; another instance's gets the cancel through Redis.
    answer.cancel('cancelled')
    return c.json({ stopped: answer.ids.messageId }, 202)
  })
  return app
}
