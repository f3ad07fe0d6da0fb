/** The OpenAI-compatible endpoint driven by the official `openai` Node SDK, against the real server and fake upstream. */
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_SYSTEM_PROMPT } from '../src/chat/prompt.js'
import type { CompleteMetadata } from '../src/protocol/frames.js'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { startRedis } from './support/redis-server.js'
import { collectSse, postChat } from './support/sse-client.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'

const TOKEN = 'token-for-the-openai-sdk-0001'
const MODEL = 'hedera-assistant'

let fake: FakeOpenAi
beforeAll(async () => {
  fake = await startFakeOpenAi()
})
afterAll(() => fake.close())

const sdk = (srv: TestServer, apiKey = TOKEN) => new OpenAI({ baseURL: `${srv.http}/v1`, apiKey, maxRetries: 0 })
const upstreamFor = (question: string) => fake.requests.find((r) => r.messages.at(-1)?.content === question)

describe('POST /v1/chat/completions with the openai SDK', () => {
  let srv: TestServer
  beforeAll(async () => {
    srv = await startTestServer(upstreamEnv(fake.url, { AUTH_MODE: 'token', API_TOKENS: TOKEN, OPENAI_MAX_TOKENS: '500', OPENAI_TEMPERATURE: '0.5' }))
  })
  afterAll(() => srv.close())

  it('GET /v1/models lists the one model; retrieving another is NotFoundError', async () => {
    const models = []
    for await (const model of sdk(srv).models.list()) models.push(model)
    expect(models.map((m) => m.id)).toEqual([MODEL])
    expect((await sdk(srv).models.retrieve(MODEL)).object).toBe('model')
    await expect(sdk(srv).models.retrieve('gpt-4o')).rejects.toBeInstanceOf(OpenAI.NotFoundError)
  })

  it('stream false: one chat.completion whose text is the upstream answer, with usage', async () => {
    const question = 'How do I create a topic?'
    const result = await sdk(srv).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: question }] })
    expect(result.object).toBe('chat.completion')
    expect(result.choices[0]!.message.content).toBe(fake.answerFor(question))
    expect(result.choices[0]!.finish_reason).toBe('stop')
    const upstream = upstreamFor(question)!
    const promptTokens = upstream.messages.reduce((n, m) => n + (m.content ?? '').split(/\s+/).length, 0)
    expect(result.usage).toEqual({ prompt_tokens: promptTokens, completion_tokens: fake.chunksFor(question).length, total_tokens: promptTokens + fake.chunksFor(question).length })
  })

  it('stream true: chunks add up to the same text as the native SSE endpoint, then a usage chunk', async () => {
    const question = 'How do I mint an NFT?'
    const stream = await sdk(srv).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: question }], stream: true, stream_options: { include_usage: true } })
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = []
    for await (const part of stream) chunks.push(part)
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')
    const native = await collectSse(await postChat(srv.http, { content: question }, { authorization: `Bearer ${TOKEN}` }))
    expect(text).toBe(native.filter((e) => e.event === 'chat_delta').map((e) => e.frame.content).join(''))
    expect(text).toBe(fake.answerFor(question))
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant')
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop')
    expect(chunks.at(-1)!.choices).toEqual([])
    expect(chunks.at(-1)!.usage!.total_tokens).toBeGreaterThan(0)
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === chunks[0]!.id)).toBe(true)
  })

  it('stream true without include_usage: no usage chunk', async () => {
    const stream = await sdk(srv).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'no usage please' }], stream: true })
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = []
    for await (const part of stream) chunks.push(part)
    expect(chunks.every((c) => c.choices.length === 1 && c.usage === undefined)).toBe(true)
  })

  it("the server's system prompt comes first, the client's system and history after it, the history is not stored", async () => {
    const question = 'And on testnet?'
    await sdk(srv).chat.completions.create({
      model: MODEL,
      messages: [
        { role: 'system', content: 'Answer in French.' },
        { role: 'user', content: 'How do I transfer HBAR?' },
        { role: 'assistant', content: 'Use TransferTransaction.' },
        { role: 'developer', content: [{ type: 'text', text: 'Be brief.' }] },
        { role: 'user', content: question },
      ],
    })
    const sent = upstreamFor(question)!.messages
    // The server's prompt, then its knowledge context, then everything the client sent, in the client's order.
    expect(sent[0]).toEqual({ role: 'system', content: DEFAULT_SYSTEM_PROMPT })
    expect(sent[1]!.role).toBe('system')
    expect(sent[1]!.content).toMatch(/^Reference material from this assistant's knowledge base/)
    expect(sent.slice(2)).toEqual([
      { role: 'system', content: 'Answer in French.' },
      { role: 'user', content: 'How do I transfer HBAR?' },
      { role: 'assistant', content: 'Use TransferTransaction.' },
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: question },
    ])
    const list = (await (await fetch(`${srv.http}/api/conversations`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { conversations: unknown[] }
    // Only the native SSE test above made a stored conversation.
    expect(list.conversations).toHaveLength(1)
  })

  it('temperature and max_tokens are bounded by the server settings', async () => {
    await sdk(srv).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'bounds high' }], temperature: 1.9, max_tokens: 100_000 })
    await sdk(srv).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'bounds low' }], temperature: 0.1, max_completion_tokens: 42 })
    await sdk(srv).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'bounds unset' }] })
    expect([upstreamFor('bounds high'), upstreamFor('bounds low'), upstreamFor('bounds unset')].map((r) => [r!.model, r!.temperature, r!.maxTokens])).toEqual([
      ['gpt-4o', 0.5, 500],
      ['gpt-4o', 0.1, 42],
      ['gpt-4o', 0.5, 500],
    ])
  })

  it('a wrong token raises AuthenticationError with OpenAI error shape', async () => {
    const error = await sdk(srv, 'wrong-token-0000000000').chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError)
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' })
    await expect(sdk(srv, 'wrong-token-0000000000').models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError)
  })

  it('bad requests raise BadRequestError with one clear sentence, and the service keeps answering', async () => {
    const client = sdk(srv)
    const cases: [unknown, RegExp][] = [
      [{ model: MODEL }, /^messages must be an array/],
      [{ model: MODEL, messages: [] }, /^messages must hold at least one message/],
      [{ model: MODEL, messages: [{ role: 'tool', content: 'x', tool_call_id: 'a' }] }, /^messages\.0\.role must be system, developer, user or assistant/],
      [{ model: MODEL, messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }] }, /^The last message must be a non-empty user message/],
      [{ model: MODEL, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] }, /^messages\.0\.content/],
      [{ model: MODEL, messages: [{ role: 'user', content: 'hi' }], temperature: 3 }, /^temperature must be at most 2$/],
      [{ model: MODEL, messages: [{ role: 'user', content: 'hi' }], n: 2 }, /^n must be 1/],
      [{ model: MODEL, messages: [{ role: 'user', content: 'x'.repeat(16_001) }] }, /^messages\.0\.content must be at most 16000 characters$/],
    ]
    for (const [body, message] of cases) {
      const error = await client.chat.completions.create(body as never).catch((e: unknown) => e)
      expect(error, JSON.stringify(body).slice(0, 80)).toBeInstanceOf(OpenAI.BadRequestError)
      expect((error as InstanceType<typeof OpenAI.BadRequestError>).error).toMatchObject({ type: 'invalid_request_error', message: expect.stringMatching(message) as unknown })
    }
    const wrongModel = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)
    expect(wrongModel).toBeInstanceOf(OpenAI.NotFoundError)
    expect((wrongModel as InstanceType<typeof OpenAI.NotFoundError>).message).toMatch(/use "hedera-assistant"/)
    const notJson = await fetch(`${srv.http}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: '{nope' })
    expect(notJson.status).toBe(400)
    expect(((await notJson.json()) as { error: { message: string } }).error.message).toMatch(/^The body must be JSON/)
    const unknownRoute = await fetch(`${srv.http}/v1/embeddings`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } })
    expect(unknownRoute.status).toBe(404)
    const after = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'still here?' }] })
    expect(after.choices[0]!.message.content).toBe(fake.answerFor('still here?'))
  })

  it('closing the stream aborts the upstream request', async () => {
    const question = '[[delay:30]] [[words:200]] close me'
    const stream = await sdk(srv).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: question }], stream: true })
    let seen = 0
    for await (const part of stream) {
      if (part.choices[0]?.delta.content) seen++
      if (seen === 2) break // leaving the loop aborts the SDK's request
    }
    const upstream = await fake.whenAborted((r) => r.messages.at(-1)?.content === question)
    expect(upstream.aborted).toBe(true)
    expect(srv.logs.find((l) => l.event === 'answer' && l.outcome === 'cancelled' && l.stateless === true)).toBeDefined()
  })

  it('a client that gives up on a whole (stream false) answer aborts the upstream request', async () => {
    const question = '[[delay:30]] [[words:200]] give up on me'
    const controller = new AbortController()
    const pending = sdk(srv).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: question }] }, { signal: controller.signal })
    const settled = pending.catch((e: unknown) => e)
    await fake.whenReceived((r) => r.messages.at(-1)?.content === question)
    controller.abort()
    expect(await settled).toBeInstanceOf(OpenAI.APIUserAbortError)
    expect((await fake.whenAborted((r) => r.messages.at(-1)?.content === question)).aborted).toBe(true)
  })

  it('an oversized body is 413 in OpenAI shape; a browser on an allowed origin passes the CORS preflight', async () => {
    const big = await fetch(`${srv.http}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'x'.repeat(2 * 1024 * 1024) }] }),
    })
    expect(big.status).toBe(413)
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('payload_too_large')
    const preflight = await fetch(`${srv.http}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
    const foreign = await fetch(`${srv.http}/v1/models`, { headers: { origin: 'https://evil.example', authorization: `Bearer ${TOKEN}` } })
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('answers count in the same metrics as the other endpoints', async () => {
    const text = await (await fetch(`${srv.http}/metrics`)).text()
    expect(text).toMatch(/assistant_answers_total\{outcome="completed"\} (\d+)/)
    expect(Number(/assistant_answers_total\{outcome="completed"\} (\d+)/.exec(text)![1])).toBeGreaterThanOrEqual(8)
    expect(text).toMatch(/assistant_auth_refused_total\{transport="http"\} [1-9]/)
  })
})

describe('limits and failures through the openai SDK', () => {
  let srv: TestServer
  afterAll(() => srv?.close())

  it('a per-minute limit raises RateLimitError with Retry-After', async () => {
    srv = await startTestServer(upstreamEnv(fake.url, { RATE_LIMIT_CHATS_PER_MINUTE: '1' }))
    await sdk(srv).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'first of the minute' }] })
    const error = await sdk(srv).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'second of the minute' }] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.RateLimitError)
    const limited = error as InstanceType<typeof OpenAI.RateLimitError>
    expect(limited.error).toMatchObject({ code: 'rate_limit_exceeded' })
    expect(Number(limited.headers?.get('retry-after'))).toBeGreaterThan(0)
    await srv.close()
  })

  it('a spent daily token budget raises RateLimitError (insufficient_quota) that the SDK is told not to retry', async () => {
    srv = await startTestServer(upstreamEnv(fake.url, { DAILY_TOKEN_LIMIT: '10' }))
    await sdk(srv).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'spend it all' }] })
    const retrying = new OpenAI({ baseURL: `${srv.http}/v1`, apiKey: 'unused', maxRetries: 3 })
    const error = await retrying.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'over budget' }] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.RateLimitError)
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).error).toMatchObject({ type: 'insufficient_quota', code: 'insufficient_quota' })
    expect(upstreamFor('over budget')).toBeUndefined()
    // One refusal counted: the SDK did not retry despite maxRetries 3.
    expect(await (await fetch(`${srv.http}/metrics`)).text()).toMatch(/assistant_rate_limited_total\{limit="daily_tokens"\} 1\n/)
    await srv.close()
  })

  it('an upstream failure before the first token is an HTTP 5xx the SDK raises as InternalServerError', async () => {
    srv = await startTestServer(upstreamEnv(fake.url, { OPENAI_MAX_RETRIES: '0' }))
    const error = await sdk(srv).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: '[[mode:http500]] fail' }], stream: true }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.InternalServerError)
    expect((error as InstanceType<typeof OpenAI.InternalServerError>).status).toBe(502)
    await srv.close()
  })

  it('a failure mid-stream ends the stream with an error event the SDK raises as APIError', async () => {
    srv = await startTestServer(upstreamEnv(fake.url, { OPENAI_MAX_RETRIES: '0' }))
    const stream = await sdk(srv).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: '[[mode:cut]] cut me' }], stream: true })
    let text = ''
    const error = await (async () => {
      for await (const part of stream) text += part.choices[0]?.delta.content ?? ''
    })().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.APIError)
    expect(text).toBe(fake.chunksFor('cut me').slice(0, 3).join(''))
    await srv.close()
  })

  it('offline (no key): the knowledge base answers through /v1, model reported as the offline model, same text as native SSE', async () => {
    srv = await startTestServer({ AUTH_MODE: 'token', API_TOKENS: TOKEN })
    const question = 'How do I associate a token with an account?'
    const whole = await sdk(srv).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: question }] })
    const stream = await sdk(srv).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: question }], stream: true, stream_options: { include_usage: true } })
    const chunks: OpenAI.Chat.ChatCompletionChunk[] = []
    for await (const part of stream) chunks.push(part)
    const native = await collectSse(await postChat(srv.http, { content: question }, { authorization: `Bearer ${TOKEN}` }))
    const nativeText = native.filter((e) => e.event === 'chat_delta').map((e) => e.frame.content).join('')
    expect(nativeText.length).toBeGreaterThan(100)
    expect(whole.choices[0]!.message.content).toBe(nativeText)
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(nativeText)
    expect(whole.model).toBe('offline-knowledge-base')
    expect(chunks.every((c) => c.model === 'offline-knowledge-base')).toBe(true)
    expect(chunks.at(-1)!.usage).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 })
    // The knowledge-base sources and the API check ride along as an extra `hedera` field.
    const nativeMetadata = native.at(-1)!.frame.metadata as CompleteMetadata
    expect(nativeMetadata.sources!.length).toBeGreaterThan(0)
    expect((whole as unknown as { hedera: unknown }).hedera).toEqual({ sources: nativeMetadata.sources, apiCheck: nativeMetadata.apiCheck })
    expect((chunks.at(-2) as unknown as { hedera: unknown }).hedera).toEqual({ sources: nativeMetadata.sources, apiCheck: nativeMetadata.apiCheck })
    expect((await sdk(srv).models.list()).data.map((m) => m.id)).toEqual([MODEL])
    await srv.close()
  })

  it('OPENAI_COMPAT_MODEL_ID names the model', async () => {
    srv = await startTestServer(upstreamEnv(fake.url, { OPENAI_COMPAT_MODEL_ID: 'hedera-docs' }))
    const result = await sdk(srv).chat.completions.create({ model: 'hedera-docs', messages: [{ role: 'user', content: 'renamed model' }] })
    expect(result.choices[0]!.message.content).toBe(fake.answerFor('renamed model'))
    const models = await sdk(srv).models.list()
    expect(models.data.map((m) => m.id)).toEqual(['hedera-docs'])
    await srv.close()
  })

  it('with Redis (two instances): the daily budget spent through one is enforced on the other, and nothing is stored', async () => {
    const redis = await startRedis()
    const env = upstreamEnv(fake.url, { REDIS_URL: redis.url, AUTH_MODE: 'token', API_TOKENS: TOKEN, DAILY_TOKEN_LIMIT: '10' })
    const [a, b] = [await startTestServer(env), await startTestServer(env)]
    try {
      const result = await sdk(a).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'redis backed' }] })
      expect(result.choices[0]!.message.content).toBe(fake.answerFor('redis backed'))
      const error = await sdk(b).chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'redis over budget' }] }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(OpenAI.RateLimitError)
      const list = (await (await fetch(`${b.http}/api/conversations`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { conversations: unknown[] }
      expect(list.conversations).toEqual([])
    } finally {
      await a.close()
      await b.close()
      await redis.stop()
    }
  })
})
