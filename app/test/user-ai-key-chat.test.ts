/**
 * Chats on a user's own key (useCustomKey + model) over the native WebSocket frame, the native SSE request
 * and the /v1 extension (`use_custom_key`), on the real server: the upstream sees the user's key and model,
 * such answers do not count against the token budget but do count against rate limits, and a user without
 * a stored key, a model outside BYOK_MODELS or a server without BYOK get a clear error.
 */
import { DefaultChatTransport, readUIMessageStream } from 'ai'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerFrame } from '../src/protocol/frames.js'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'
import { collectSse, postChat } from './support/sse-client.js'
import { LOCAL_KEK, TOKEN_A, TOKEN_B, USER_KEY_A, keyCall } from './support/user-keys.js'
import { connect } from './support/ws-client.js'

const OPERATOR_KEY = 'sk-test-key-that-must-never-be-logged'

let fake: FakeOpenAi
let srv: TestServer
beforeAll(async () => {
  fake = await startFakeOpenAi({ chunkDelayMs: 0, acceptedKeys: [OPERATOR_KEY, USER_KEY_A] })
  srv = await startTestServer(
    upstreamEnv(fake.url, {
      AUTH_MODE: 'token',
      API_TOKENS: `${TOKEN_A},${TOKEN_B}`,
      BYOK_LOCAL_KEY: LOCAL_KEK,
      BYOK_MODELS: 'gpt-4o-mini,gpt-4.1',
      // One operator answer uses up the budget; only users' own keys may go on.
      DAILY_TOKEN_LIMIT: '1',
      RATE_LIMIT_CHATS_PER_MINUTE: '7',
    }),
  )
  expect((await keyCall(srv, 'POST', TOKEN_A, { apiKey: USER_KEY_A })).status).toBe(201)
})
afterAll(async () => {
  await srv.close()
  await fake.close()
})

const upstreamFor = (question: string) => fake.requests.find((r) => r.messages.at(-1)?.content === question)

async function sseChat(token: string, body: Record<string, unknown>): Promise<{ status: number; frames: ServerFrame[]; body?: unknown }> {
  const response = await postChat(srv.http, body, { authorization: `Bearer ${token}` })
  if (response.headers.get('content-type')?.startsWith('application/json')) return { status: response.status, frames: [], body: await response.json() }
  return { status: response.status, frames: (await collectSse(response)).map((e) => e.frame) }
}

describe('useCustomKey chats', () => {
  it("AI SDK: useCustomKey and model in the last message's metadata run on A's key, as the Playground sends them", async () => {
    const question = 'Own key through the AI SDK'
    const transport = new DefaultChatTransport({ api: `${srv.http}/api/playground/assistant/chat`, headers: { authorization: `Bearer ${TOKEN_A}` } })
    const metadata = { type: 'general-assistant', language: 'typescript', code: '', output: '', useCustomKey: true, model: 'gpt-4o-mini' }
    const stream = await transport.sendMessages({ chatId: `byok-ai-${Date.now()}`, messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: question }], metadata }], trigger: 'submit-message', messageId: undefined, abortSignal: undefined })
    let text = ''
    for await (const message of readUIMessageStream({ stream })) text = message.parts.map((p) => (p.type === 'text' ? p.text : '')).join('')
    // The model reads the question with the editor state block; the fake answers that whole message.
    const upstream = fake.requests.find((r) => r.messages.at(-1)?.content?.includes(question))
    expect(upstream).toMatchObject({ authorization: `Bearer ${USER_KEY_A}`, model: 'gpt-4o-mini' })
    expect(text).toBe(fake.answerFor(upstream!.messages.at(-1)!.content!))
  })

  it("WebSocket: the upstream gets A's key and the chosen model; the operator's budget is untouched", async () => {
    const socket = await connect(srv.ws, { headers: { authorization: `Bearer ${TOKEN_A}` } })
    try {
      socket.send({ type: 'chat', content: 'Own key over the socket', messageId: 'byok-ws-1', useCustomKey: true, model: 'gpt-4.1' })
      const frames = await socket.answer('byok-ws-1')
      expect(frames[0]).toMatchObject({ type: 'chat_start', metadata: { model: 'gpt-4.1' } })
      expect(frames.at(-1)).toMatchObject({ type: 'chat_complete' })
      expect(upstreamFor('Own key over the socket')).toMatchObject({ authorization: `Bearer ${USER_KEY_A}`, model: 'gpt-4.1' })
    } finally {
      socket.close()
    }
  })

  it('SSE: own-key answers go on after the operator budget is spent; operator answers are refused', async () => {
    const operator = await sseChat(TOKEN_A, { content: 'Operator answer spends the budget' })
    expect(operator.frames.at(-1)).toMatchObject({ type: 'chat_complete' })
    expect(upstreamFor('Operator answer spends the budget')!.authorization).toBe(`Bearer ${OPERATOR_KEY}`)
    const refused = await sseChat(TOKEN_A, { content: 'Operator again' })
    expect(refused.status).toBe(429)
    expect(refused.body).toMatchObject({ code: 'rate_limited' })

    const own = await sseChat(TOKEN_A, { content: 'Own key after the budget', useCustomKey: true })
    expect(own.frames.at(-1)).toMatchObject({ type: 'chat_complete' })
    expect(upstreamFor('Own key after the budget')).toMatchObject({ authorization: `Bearer ${USER_KEY_A}`, model: 'gpt-4o-mini' })
  })

  it('/v1 extension: use_custom_key with the model field naming one of BYOK_MODELS', async () => {
    const sdk = new OpenAI({ baseURL: `${srv.http}/v1`, apiKey: TOKEN_A, maxRetries: 0 })
    const question = 'Own key through the OpenAI endpoint'
    const result = await sdk.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: question }], use_custom_key: true } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming)
    expect(result.choices[0]!.message.content).toBe(fake.answerFor(question))
    expect(upstreamFor(question)).toMatchObject({ authorization: `Bearer ${USER_KEY_A}`, model: 'gpt-4.1' })
  })

  it('a user with no stored key, and a model outside BYOK_MODELS, get clear errors naming the fix', async () => {
    const none = await sseChat(TOKEN_B, { content: 'B has no key', useCustomKey: true })
    expect(none.status).toBe(404)
    expect(none.body).toMatchObject({ code: 'not_found', error: expect.stringMatching(/No API key of your own is stored; POST \/api\/playground\/assistant\/user-ai-key/) as unknown })
    const model = await sseChat(TOKEN_A, { content: 'Wrong model', useCustomKey: true, model: 'gpt-5-ultra' })
    expect(model.status).toBe(400)
    expect(model.body).toMatchObject({ code: 'invalid_message', error: expect.stringMatching(/choose one of gpt-4o-mini, gpt-4.1/) as unknown })
    const shape = await sseChat(TOKEN_A, { content: 'Bad model id', useCustomKey: true, model: 'no spaces allowed' })
    expect(shape.status).toBe(400)
    expect(shape.body).toMatchObject({ error: expect.stringMatching(/model must be a model id/) as unknown })
    expect(upstreamFor('B has no key')).toBeUndefined()
    expect(upstreamFor('Wrong model')).toBeUndefined()
  })

  it('own-key answers still count against the chats-per-minute limit', async () => {
    let refused: { status: number; body?: unknown } | undefined
    for (let i = 0; i < 8 && !refused; i++) {
      const result = await sseChat(TOKEN_A, { content: `Own key burst ${i}`, useCustomKey: true })
      if (result.status === 429) refused = result
    }
    expect(refused).toMatchObject({ status: 429, body: { code: 'rate_limited' } })
  })
})

describe('without BYOK on the server', () => {
  it('useCustomKey is refused with a sentence saying it is not enabled', async () => {
    const plain = await startTestServer(upstreamEnv(fake.url, { AUTH_MODE: 'token', API_TOKENS: TOKEN_A }))
    try {
      const response = await postChat(plain.http, { content: 'Own key without BYOK', useCustomKey: true }, { authorization: `Bearer ${TOKEN_A}` })
      expect(response.status).toBe(400)
      expect(await response.json()).toMatchObject({ code: 'invalid_message', error: expect.stringMatching(/users' own keys are not enabled/) as unknown })
    } finally {
      await plain.close()
    }
  })
})
