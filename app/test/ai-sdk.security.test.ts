/**
 * The Playground's identity and ownership through the AI SDK protocol: AUTH_MODE=gateway, the history endpoint
 * for its owner only, the monthly budget's refusal in the Playground's error shape, and the Stop that cancels.
 */
import { DefaultChatTransport, readUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'

const CHAT = '/api/playground/assistant/chat'
const editor = { type: 'general-assistant', language: 'javascript', currentLine: 1, code: '', output: '' }

let fake: FakeOpenAi
let gateway: TestServer

beforeAll(async () => {
  fake = await startFakeOpenAi()
  gateway = await startTestServer(upstreamEnv(fake.url, { AUTH_MODE: 'gateway', RESUME_GRACE_MS: '30000', DAILY_TOKEN_LIMIT: '1000000', TOKEN_BUDGET_PERIOD: 'month' }))
})
afterAll(async () => {
  await gateway?.close()
  await fake?.close()
})

let counter = 0
const fresh = (prefix: string) => `${prefix}-${++counter}-${Date.now()}`
const user = (text: string): UIMessage => ({ id: fresh('u'), role: 'user', parts: [{ type: 'text', text }], metadata: editor })

function transportFor(server: TestServer, userId?: string) {
  return new DefaultChatTransport({ api: `${server.http}${CHAT}`, ...(userId ? { headers: { 'x-user-id': userId } } : {}) })
}

async function textOf(stream: ReadableStream<UIMessageChunk>): Promise<string> {
  let message: UIMessage | undefined
  for await (const state of readUIMessageStream({ stream })) message = state
  return message?.parts.map((p) => (p.type === 'text' ? p.text : '')).join('') ?? ''
}

describe('AUTH_MODE=gateway', () => {
  it('refuses a request without x-user-id with 401 in both error shapes', async () => {
    const response = await fetch(`${gateway.http}${CHAT}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'c1', trigger: 'submit-message', messages: [user('q')] }) })
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ code: 'unauthorized', reason: 'unauthorized', statusCode: 401, message: 'Missing user: the gateway must set the x-user-id header (AUTH_MODE=gateway)' })
  })

  it("stores the turn for the gateway's user, and shows the history to that user only", async () => {
    const chatId = fresh('chat')
    const question = '[[words:5]] remember me'
    const stream = await transportFor(gateway, 'alice').sendMessages({ chatId, messages: [user(question)], trigger: 'submit-message', messageId: undefined, abortSignal: undefined })
    const answer = await textOf(stream)
    const history = await fetch(`${gateway.http}${CHAT}/history/${chatId}`, { headers: { 'x-user-id': 'alice' } })
    expect(history.status).toBe(200)
    const body = (await history.json()) as { conversationId: string; messages: UIMessage[] }
    expect(body.conversationId).toBe(chatId)
    expect(body.messages.map((m) => [m.role, m.parts])).toEqual([
      ['user', [{ type: 'text', text: question }]],
      ['assistant', [{ type: 'text', text: answer }]],
    ])
    const other = await fetch(`${gateway.http}${CHAT}/history/${chatId}`, { headers: { 'x-user-id': 'mallory' } })
    expect(other.status).toBe(404)
    expect(await other.json()).toMatchObject({ code: 'not_found', reason: 'not_found', statusCode: 404 })
    expect((await fetch(`${gateway.http}${CHAT}/history/${chatId}`)).status).toBe(401)
    // Another user cannot write into alice's chat either.
    const hijack = await fetch(`${gateway.http}${CHAT}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-user-id': 'mallory' }, body: JSON.stringify({ id: chatId, trigger: 'submit-message', messages: [user('mine now')] }) })
    expect(hijack.status).toBe(403)
  })
})

describe('Stop', () => {
  it('DELETE .../chat/:id/stream aborts the upstream request within a second; the stream ends with abort', async () => {
    const chatId = fresh('chat')
    const question = '[[delay:50]] [[words:400]] a long answer to stop'
    const stream = await transportFor(gateway, 'bob').sendMessages({ chatId, messages: [user(question)], trigger: 'submit-message', messageId: undefined, abortSignal: undefined })
    const reader = stream.getReader()
    const chunks: UIMessageChunk[] = []
    while (!chunks.some((c) => c.type === 'text-delta')) chunks.push((await reader.read()).value!)
    // Only the owner may stop it: another user's DELETE finds no answer.
    expect((await fetch(`${gateway.http}${CHAT}/${chatId}/stream`, { method: 'DELETE', headers: { 'x-user-id': 'mallory' } })).status).toBe(204)
    const asked = performance.now()
    const stop = await fetch(`${gateway.http}${CHAT}/${chatId}/stream`, { method: 'DELETE', headers: { 'x-user-id': 'bob' } })
    expect(stop.status).toBe(202)
    await fake.whenAborted((r) => r.messages.at(-1)!.content!.endsWith(question))
    expect(performance.now() - asked).toBeLessThan(1000)
    for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value)
    expect(chunks.at(-1)).toEqual({ type: 'abort' })
    // Nothing streams in that chat now.
    expect((await fetch(`${gateway.http}${CHAT}/${chatId}/stream`, { headers: { 'x-user-id': 'bob' } })).status).toBe(204)
  })
})

describe('the monthly budget', () => {
  let tight: TestServer
  beforeAll(async () => {
    tight = await startTestServer(upstreamEnv(fake.url, { AUTH_MODE: 'gateway', DAILY_TOKEN_LIMIT: '10', TOKEN_BUDGET_PERIOD: 'month' }))
  })
  afterAll(async () => tight?.close())

  it('refuses once spent, before a stream starts, with the Playground fields and the month in Retry-After', async () => {
    await textOf(await transportFor(tight, 'carol').sendMessages({ chatId: fresh('chat'), messages: [user('[[words:20]] spend it')], trigger: 'submit-message', messageId: undefined, abortSignal: undefined }))
    const refused = await fetch(`${tight.http}${CHAT}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-user-id': 'carol' }, body: JSON.stringify({ id: fresh('chat'), trigger: 'submit-message', messages: [user('again')] }) })
    expect(refused.status).toBe(429)
    const body = (await refused.json()) as Record<string, unknown>
    expect(body).toMatchObject({ code: 'rate_limited', reason: 'rate_limited', statusCode: 429, message: 'The monthly token budget is spent; it resets on the first of the month (UTC)' })
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    // Another user of the gateway has their own budget.
    const dave = await transportFor(tight, 'dave').sendMessages({ chatId: fresh('chat'), messages: [user('[[words:2]] mine')], trigger: 'submit-message', messageId: undefined, abortSignal: undefined })
    expect(await textOf(dave)).toContain('word1')
  })
})
