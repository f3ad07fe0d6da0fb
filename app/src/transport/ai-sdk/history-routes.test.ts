import { describe, expect, it } from 'vitest'
import { createMemoryConversationIndex } from '../../chat/conversation-index.js'
import { createAuthenticator } from '../../guard/auth.js'
import { createGuard } from '../../guard/guard.js'
import { createMemoryLimiter } from '../../guard/limits.js'
import { historyRoutes } from './history-routes.js'

const TOKENS = ['alice-token-0123456789', 'bob-token-0123456789ab']
const conversations = createMemoryConversationIndex({ maxTurns: 20, idleTtlMs: 60_000, maxConversations: 100, maxPerUser: 10 })
const limiter = createMemoryLimiter({ connectionsPerWindow: 0, chatsPerWindow: 0, concurrentAnswers: 0, socketsPerUser: 0, dailyTokens: 0, windowMs: 60_000 })
const guard = createGuard({ authenticate: createAuthenticator({ mode: 'token', apiTokens: TOKENS, jwtSecret: undefined, jwksUrl: undefined, issuer: undefined, audience: undefined }), limiter, trustedProxyHops: 0 })
const app = historyRoutes({ conversations, guard })
const get = (id: string, token?: string) => app.request(`/api/playground/assistant/chat/history/${id}`, { headers: token ? { authorization: `Bearer ${token}` } : {} })

/** The user id the token authenticator gives a token (the owner a conversation gets when that user writes in it). */
async function userOf(token: string): Promise<string> {
  const result = await createAuthenticator({ mode: 'token', apiTokens: TOKENS, jwtSecret: undefined, jwksUrl: undefined, issuer: undefined, audience: undefined })(token)
  if (!result.ok || !result.identity.userId) throw new Error('token not accepted')
  return result.identity.userId
}

describe('GET /api/playground/assistant/chat/history/:conversationId', () => {
  it("returns the owner's turns as UI messages", async () => {
    await conversations.setOwner('chat-a', await userOf(TOKENS[0]!))
    await conversations.append('chat-a', [
      { role: 'user', content: 'How do I mint?' },
      { role: 'assistant', content: 'Use TokenMintTransaction.' },
    ])
    const response = await get('chat-a', TOKENS[0])
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      conversationId: 'chat-a',
      messages: [
        { id: 'chat-a-0', role: 'user', parts: [{ type: 'text', text: 'How do I mint?' }] },
        { id: 'chat-a-1', role: 'assistant', parts: [{ type: 'text', text: 'Use TokenMintTransaction.' }] },
      ],
    })
  })

  it("answers another user's conversation exactly like an unknown one: 404 with the Playground's fields", async () => {
    const other = await get('chat-a', TOKENS[1])
    const unknown = await get('chat-zzz', TOKENS[1])
    expect(other.status).toBe(404)
    expect(unknown.status).toBe(404)
    const body = (await other.json()) as Record<string, unknown>
    expect(body).toEqual({ type: 'error', code: 'not_found', error: 'No conversation chat-a (unknown, expired after being idle, or not yours)', reason: 'not_found', message: body.error, statusCode: 404 })
    expect(((await unknown.json()) as { error: string }).error).toBe('No conversation chat-zzz (unknown, expired after being idle, or not yours)')
  })

  it('refuses without a credential (401) and a malformed id (400, naming the field)', async () => {
    const anonymous = await get('chat-a')
    expect(anonymous.status).toBe(401)
    expect(await anonymous.json()).toMatchObject({ code: 'unauthorized', reason: 'unauthorized', statusCode: 401 })
    const bad = await get('a%20b', TOKENS[0])
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ code: 'invalid_message', statusCode: 400, details: { field: 'conversationId' } })
  })
})
