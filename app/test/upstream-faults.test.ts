import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'
import { connect, deltaText, type TestSocket } from './support/ws-client.js'

let fake: FakeOpenAi
let srv: TestServer
let socket: TestSocket

beforeAll(async () => {
  fake = await startFakeOpenAi({ failures: 2 })
  srv = await startTestServer(
    upstreamEnv(fake.url, {
      OPENAI_MAX_RETRIES: '2',
      OPENAI_FIRST_TOKEN_TIMEOUT_MS: '300',
      OPENAI_IDLE_TIMEOUT_MS: '300',
    }),
  )
  socket = await connect(srv.ws)
})
afterAll(async () => {
  socket.close()
  await srv.close()
  await fake.close()
})

const requestsFor = (question: string) => fake.requests.filter((r) => r.messages.at(-1)?.content === question)

async function ask(question: string, messageId: string) {
  socket.send({ type: 'chat', content: question, messageId })
  return socket.answer(messageId)
}

describe('upstream faults end in a clear error code, and the socket stays usable', () => {
  it('HTTP 500: retried with backoff before the first token, then upstream_error', async () => {
    const frames = await ask('[[mode:http500]] q500', 'f-500')
    expect(frames.at(-1)).toMatchObject({ type: 'error', code: 'upstream_error', messageId: 'f-500' })
    expect(frames.at(-1)!.error).toMatch(/HTTP 500/)
    expect(requestsFor('[[mode:http500]] q500')).toHaveLength(3) // 1 + OPENAI_MAX_RETRIES
  })

  it('a transient failure is retried and the answer arrives whole', async () => {
    const frames = await ask('[[mode:flaky]] qflaky', 'f-flaky')
    expect(frames.at(-1)!.type).toBe('chat_complete')
    expect(deltaText(frames)).toBe(fake.answerFor('qflaky'))
    expect(requestsFor('[[mode:flaky]] qflaky')).toHaveLength(3) // two 503s, then the answer
  })

  it('HTTP 429: rate_limited with retryAfter from the upstream', async () => {
    const frames = await ask('[[mode:http429]] q429', 'f-429')
    expect(frames.at(-1)).toMatchObject({ type: 'error', code: 'rate_limited', retryAfter: 1 })
  })

  it('a stream cut mid-answer: the deltas sent so far, then upstream_error; never retried after a token', async () => {
    const frames = await ask('[[mode:cut]] qcut', 'f-cut')
    expect(deltaText(frames)).toBe(fake.chunksFor('qcut').slice(0, 3).join(''))
    expect(frames.at(-1)).toMatchObject({ type: 'error', code: 'upstream_error', messageId: 'f-cut' })
    expect(requestsFor('[[mode:cut]] qcut')).toHaveLength(1)
  })

  it('a stream that ends cleanly without finish_reason is an upstream_error, not a silent success', async () => {
    const frames = await ask('[[mode:truncated]] qtrunc', 'f-trunc')
    expect(frames.at(-1)).toMatchObject({ type: 'error', code: 'upstream_error' })
    expect(frames.at(-1)!.error).toMatch(/ended before the answer was finished/)
  })

  it('a hang before the first token: upstream_timeout, and the upstream request is aborted', async () => {
    const frames = await ask('[[mode:hang]] qhang', 'f-hang')
    expect(frames.at(-1)).toMatchObject({ type: 'error', code: 'upstream_timeout' })
    expect(frames.at(-1)!.error).toMatch(/no first token/)
    await expect.poll(() => requestsFor('[[mode:hang]] qhang').every((r) => r.aborted)).toBe(true)
  })

  it('a stall after the first token: upstream_timeout after the idle limit', async () => {
    const frames = await ask('[[mode:stall]] qstall', 'f-stall')
    expect(deltaText(frames)).toBe(fake.chunksFor('qstall').slice(0, 3).join(''))
    expect(frames.at(-1)).toMatchObject({ type: 'error', code: 'upstream_timeout' })
    expect(frames.at(-1)!.error).toMatch(/went silent/)
    await expect.poll(() => requestsFor('[[mode:stall]] qstall').every((r) => r.aborted)).toBe(true)
  })

  it('a slow but steady stream, each gap under the idle limit, is not cut', async () => {
    // Gaps of 200 ms against the 300 ms limit: longer than one of the idle watch's checks (75 ms), never silent 300.
    const frames = await ask('[[delay:200]] [[words:6]] qslow', 'f-slow')
    expect(frames.at(-1)).toMatchObject({ type: 'chat_complete', messageId: 'f-slow' })
    expect(deltaText(frames)).toBe(fake.answerFor('[[delay:200]] [[words:6]] qslow'))
  })

  it('after all of that the same socket still chats', async () => {
    const frames = await ask('all good?', 'f-ok')
    expect(deltaText(frames)).toBe(fake.answerFor('all good?'))
  })
})

describe('whole-answer timeout', () => {
  it('ends a slow but steady answer with upstream_timeout', async () => {
    const slow = await startTestServer(upstreamEnv(fake.url, { OPENAI_ANSWER_TIMEOUT_MS: '300' }))
    const s = await connect(slow.ws)
    s.send({ type: 'chat', content: '[[delay:50]] [[words:40]] long one', messageId: 'f-total' })
    const frames = await s.answer('f-total')
    expect(frames.some((f) => f.type === 'chat_delta')).toBe(true)
    expect(frames.at(-1)).toMatchObject({ type: 'error', code: 'upstream_timeout' })
    expect(frames.at(-1)!.error).toMatch(/longer than the time allowed/)
    s.close()
    await slow.close()
  })
})

describe('no key configured', () => {
  it('starts anyway and answers from the knowledge base, saying no model is configured and how to add one', async () => {
    const bare = await startTestServer({})
    const s = await connect(bare.ws)
    s.send({ type: 'chat', content: 'hello', messageId: 'nokey' })
    const frames = await s.answer('nokey')
    expect(frames[0]).toMatchObject({ type: 'chat_start', metadata: { model: 'offline-knowledge-base' } })
    expect(deltaText(frames).split('\n')[0]).toMatch(/No language model is configured.*OPENAI_API_KEY/)
    expect(frames.at(-1)).toMatchObject({ type: 'chat_complete', messageId: 'nokey', metadata: { model: 'offline-knowledge-base' } })
    s.send({ type: 'ping' })
    await s.next((f) => f.type === 'pong')
    s.close()
    await bare.close()
  })
})
