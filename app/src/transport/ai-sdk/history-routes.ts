/** `GET /api/playground/assistant/chat/history/:conversationId`: a conversation's turns as UI messages, for its owner only. */
import { Hono } from 'hono'
import type { ConversationIndex } from '../../chat/conversation-index.js'
import type { ConversationStore, Turn } from '../../chat/conversations.js'
import { isAdmissionRefusal, type Guard } from '../../guard/guard.js'
import { describeIssues, IdSchema } from '../../protocol/frames.js'
import { refusalResponse } from '../http-error.js'
import { playgroundError, withPlaygroundFields } from './errors.js'

export const HISTORY_PATH = '/api/playground/assistant/chat/history/:conversationId'

export interface HistoryRouteDeps {
  conversations: ConversationStore & ConversationIndex
  guard: Guard
}

/** One stored turn as the AI SDK's UIMessage: a text part; its id is stable (the conversation and the turn's place). */
export interface HistoryMessage {
  id: string
  role: 'user' | 'assistant'
  parts: { type: 'text'; text: string }[]
}

export const toUiMessages = (conversationId: string, turns: Turn[]): HistoryMessage[] =>
  turns.map((turn, i) => ({ id: `${conversationId}-${i}`, role: turn.role, parts: [{ type: 'text', text: turn.content }] }))

export function historyRoutes(deps: HistoryRouteDeps): Hono {
  const app = new Hono()
  app.get(HISTORY_PATH, async function chatHistory(c) {
    const admission = await deps.guard.admit(c)
    if (isAdmissionRefusal(admission)) return withPlaygroundFields(refusalResponse(admission))
    const id = IdSchema.safeParse(c.req.param('conversationId'))
    if (!id.success) return playgroundError('invalid_message', `conversationId ${describeIssues(id.error)}`, { field: 'conversationId' })
    const conversationId = id.data
    const owner = await deps.conversations.ownerOf(conversationId)
    // Another user's conversation and an unknown one look the same: existence is not revealed.
    const notFound = () => playgroundError('not_found', `No conversation ${conversationId} (unknown, expired after being idle, or not yours)`)
    // Without authentication the unguessable id is the capability; with it, only the owner sees the conversation.
    if (owner !== undefined && owner !== admission.identity.userId) return notFound()
    const turns = await deps.conversations.history(conversationId)
    if (turns.length === 0) return notFound()
    return c.json({ conversationId, messages: toUiMessages(conversationId, turns) })
  })
  return app
}
