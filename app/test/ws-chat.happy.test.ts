import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_SYSTEM_PROMPT } from '../src/chat/prompt.js'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'
import { connect, deltaText } from './support/ws-client.js'

let fake: FakeOpenAi
let srv: TestServer

beforeAll(async () => {
  fake = await startFakeOpenAi()
  srv = await startTestServer(upstreamEnv(fake.url))
})
afterAll(async () => {
  await srv.close()
  await fake.close()
})

describe('WebSocket chat: happy path', () => {
  it('streams chat_start, gap-free chat_delta frames and chat_complete with usage, all with the same ids', async () => {
    const socket = await connect(srv.ws)
    socket.send({ type: 'chat', content: 'How do I mint a token?', messageId: 'm-1', conversationId: 'c-1' })
    const frames = await socket.answer('m-1')
    expect(frames[0]).toMatchObject({ type: 'chat_start', messageId: 'm-1', conversationId: 'c-1' })
    expect(deltaText(frames)).toBe(fake.answerFor('How do I mint a token?'))
    const complete = frames.at(-1)!
    expect(complete).toMatchObject({ type: 'chat_complete', messageId: 'm-1', conversationId: 'c-1' })
    expect(complete.metadata).toMatchObject({ model: 'gpt-4o', finishReason: 'stop' })
    const usage = (complete.metadata as { usage: { promptTokens: number; completionTokens: number; totalTokens: number } }).usage
    expect(usage.completionTokens).toBe(fake.chunksFor('How do I mint a token?').length)
    expect(usage.totalTokens).toBe(usage.promptTokens + usage.completionTokens)
    expect(frames.every((f) => f.messageId === 'm-1' && f.conversationId === 'c-1')).toBe(true)
    socket.close()
  })

  it('makes UUIDs when the client sends no ids and returns them in chat_start', async () => {
    const socket = await connect(srv.ws)
    socket.send({ type: 'chat', content: 'What is HCS?' })
    const start = await socket.next((f) => f.type === 'chat_start')
    expect(start.messageId).toMatch(/^[0-9a-f-]{36}$/)
    expect(start.conversationId).toMatch(/^[0-9a-f-]{36}$/)
    const frames = await socket.answer(start.messageId!)
    expect(frames.at(-1)!.type).toBe('chat_complete')
    socket.close()
  })

  it('answers ping with pong, ignoring extra fields sent by earlier clients', async () => {
    const socket = await connect(srv.ws)
    socket.send({ type: 'ping', content: '' })
    expect(await socket.next((f) => f.type === 'pong')).toEqual({ type: 'pong' })
    socket.close()
  })

  it('sends the Hedera system prompt, the request options and the history of the conversation', async () => {
    const socket = await connect(srv.ws)
    socket.send({ type: 'chat', content: 'first question', messageId: 'h-1', conversationId: 'conv-h' })
    await socket.answer('h-1')
    socket.send({ type: 'chat', content: 'second question', messageId: 'h-2', conversationId: 'conv-h' })
    await socket.answer('h-2')
    const request = fake.requests.find((r) => r.messages.at(-1)?.content === 'second question')!
    expect(request.messages[0]).toEqual({ role: 'system', content: DEFAULT_SYSTEM_PROMPT })
    expect(DEFAULT_SYSTEM_PROMPT).toMatch(/Hedera Token Service/)
    // Between the prompt and the history may sit the knowledge context (app/test/knowledge.test.ts covers it).
    expect(request.messages.filter((m) => m.role !== 'system')).toEqual([
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: fake.answerFor('first question') },
      { role: 'user', content: 'second question' },
    ])
    expect(request).toMatchObject({ stream: true, includeUsage: true, maxTokens: 2000, temperature: 0.7, model: 'gpt-4o' })
    expect(request.authorization).toBe('Bearer sk-test-key-that-must-never-be-logged')
    socket.close()
  })

  it('streams different conversations on one socket concurrently, and refuses a second chat on a busy one', async () => {
    const socket = await connect(srv.ws)
    socket.send({ type: 'chat', content: '[[delay:20]] one', messageId: 'p-1', conversationId: 'conv-a' })
    socket.send({ type: 'chat', content: '[[delay:20]] two', messageId: 'p-2', conversationId: 'conv-b' })
    socket.send({ type: 'chat', content: 'three', messageId: 'p-3', conversationId: 'conv-a' })
    const busy = await socket.next((f) => f.type === 'error' && f.messageId === 'p-3')
    expect(busy).toMatchObject({ code: 'busy', conversationId: 'conv-a' })
    const [a, b] = await Promise.all([socket.answer('p-1'), socket.answer('p-2')])
    expect(deltaText(a)).toBe(fake.answerFor('one'))
    expect(deltaText(b)).toBe(fake.answerFor('two'))
    // Interleaved: the second answer started before the first ended.
    const order = socket.frames.map((f) => f.messageId)
    expect(order.indexOf('p-2')).toBeLessThan(order.lastIndexOf('p-1'))
    socket.close()
  })

  it('logs one line per connection and per answer, without the key or the content', async () => {
    const opens = () => srv.logs.filter((l) => l.event === 'connection_open').map((l) => l.connectionId)
    const earlier = new Set(opens())
    const socket = await connect(srv.ws)
    // This socket's id: the one open line that was not there before it connected.
    await expect.poll(() => opens().filter((id) => !earlier.has(id))).toHaveLength(1)
    const connectionId = opens().find((id) => !earlier.has(id))
    socket.send({ type: 'chat', content: 'secret question text', messageId: 'log-1' })
    await socket.answer('log-1')
    socket.close()
    await socket.closed
    // The server writes these lines when it has seen the end: wait for them, not for a guessed time.
    await expect.poll(() => srv.logs.find((l) => l.event === 'connection_close' && l.connectionId === connectionId)).toBeTruthy()
    await expect.poll(() => srv.logs.find((l) => l.event === 'answer' && l.messageId === 'log-1')).toMatchObject({ severity: 'INFO', model: 'gpt-4o', outcome: 'completed' })
    const answerLine = srv.logs.find((l) => l.event === 'answer' && l.messageId === 'log-1')!
    expect(answerLine.totalTokens).toBeGreaterThan(0)
    expect(answerLine.timeToFirstTokenMs).toBeTypeOf('number')
    const all = srv.rawLogs.join('\n')
    expect(all).not.toContain('sk-test-key-that-must-never-be-logged')
    expect(all).not.toContain('secret question text')
  })
})
