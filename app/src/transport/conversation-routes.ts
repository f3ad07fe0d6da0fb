/** REST endpoints for frontends: list a user's conversations, read one, rename it, delete it. */
import { Hono, type Context } from 'hono'
import { z } from 'zod'
import type { ConversationIndex } from '../chat/conversation-index.js'
import type { ConversationStore } from '../chat/conversations.js'
import type { Coordinator } from '../chat/coordinator.js'
import { isAdmissionRefusal, type Guard } from '../guard/guard.js'
import { describeIssues, IdSchema } from '../protocol/frames.js'
import { httpError, refusalResponse } from './http-error.js'

export const RenameSchema = z.object({
  // Checked before the trim, so the OpenAPI document (from this schema) says exactly what is accepted.
  title: z
    .string({ error: 'must be a string' })
    .regex(/\S/, { message: 'must not be empty' })
    .max(200, { message: 'must be at most 200 characters' })
    .transform((s) => s.trim()),
})

export interface ConversationRouteDeps {
  conversations: ConversationStore & ConversationIndex
  coordinator: Coordinator
  guard: Guard
}

export function conversationRoutes(deps: ConversationRouteDeps): Hono {
  const app = new Hono()
  const { conversations, coordinator, guard } = deps

  /** The conversation id of the path, if valid and visible to this user (404 otherwise: existence is not revealed). */
  async function visible(c: Context, userId: string | undefined): Promise<string | Response> {
    const id = IdSchema.safeParse(c.req.param('conversationId'))
    if (!id.success) return httpError('invalid_message', `conversationId ${describeIssues(id.error)}`)
    const owner = await conversations.ownerOf(id.data)
    // Without authentication the unguessable id is the capability; with it, only the owner sees the conversation.
    if (owner !== undefined && owner !== userId) return httpError('not_found', `No conversation ${id.data}`)
    return id.data
  }

  app.get('/api/conversations', async (c) => {
    const admission = await guard.admit(c)
    if (isAdmissionRefusal(admission)) return refusalResponse(admission)
    const userId = admission.identity.userId
    if (userId === undefined) {
      return httpError('unauthorized', 'Listing conversations needs a signed-in user (AUTH_MODE token or jwt); without authentication, keep the conversationId you were given')
    }
    return c.json({ conversations: await conversations.listForUser(userId) })
  })

  app.get('/api/conversations/:conversationId', async (c) => {
    const admission = await guard.admit(c)
    if (isAdmissionRefusal(admission)) return refusalResponse(admission)
    const id = await visible(c, admission.identity.userId)
    if (id instanceof Response) return id
    const messages = await conversations.history(id)
    if (messages.length === 0) return httpError('not_found', `No conversation ${id} (unknown, or expired after being idle)`)
    return c.json({ conversationId: id, messages })
  })

  app.patch('/api/conversations/:conversationId', async (c) => {
    const admission = await guard.admit(c)
    if (isAdmissionRefusal(admission)) return refusalResponse(admission)
    const id = await visible(c, admission.identity.userId)
    if (id instanceof Response) return id
    const body: unknown = await c.req.json().catch(() => undefined)
    const parsed = RenameSchema.safeParse(body)
    if (!parsed.success) return httpError('invalid_message', `Invalid rename: ${describeIssues(parsed.error)}; send {"title":"..."}`)
    if (!(await conversations.rename(id, parsed.data.title))) return httpError('not_found', `No conversation ${id}`)
    await coordinator.publish({ type: 'conversation_updated', conversationId: id, change: 'renamed' })
    return c.json({ conversationId: id, title: parsed.data.title })
  })

  app.delete('/api/conversations/:conversationId', async (c) => {
    const admission = await guard.admit(c)
    if (isAdmissionRefusal(admission)) return refusalResponse(admission)
    const id = await visible(c, admission.identity.userId)
    if (id instanceof Response) return id
    if (!(await conversations.remove(id))) return httpError('not_found', `No conversation ${id}`)
    await coordinator.publish({ type: 'conversation_updated', conversationId: id, change: 'deleted' })
    return c.body(null, 204)
  })
  return app
}
