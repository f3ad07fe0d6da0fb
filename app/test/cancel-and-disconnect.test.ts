import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { postChat, readSse } from './support/sse-client.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'
import { connect as connectSocket, deltaText, type TestSocket } from './support/ws-client.js'

let fake: FakeOpenAi
let srv: TestServer

beforeAll(async () => {
  fake = await startFakeOpenAi({ hugeChunks: 2000, hugeChunkBytes: 32 * 1024 })
  srv = await startTestServer(upstreamEnv(fake.url, { WS_MAX_BUFFERED_BYTES: '65536' }))
})
afterAll(async () => {
  await srv.close()
  await fake.close()
})

/** What a test opened, closed after it whether it passed or failed (a failed expect skips the test's own closes). */
const opened: (() => unknown)[] = []
afterEach(async () => {
  for (const close of opened.splice(0).reverse()) await close()
})

async function connect(url: string): Promise<TestSocket> {
  const socket = await connectSocket(url)
  opened.push(() => socket.ws.terminate())
  return socket
}

async function startServer(env: Record<string, string>): Promise<TestServer> {
  const server = await startTestServer(upstreamEnv(fake.url, env))
  opened.push(() => server.close())
  return server
}

const requestFor = (question: string) => fake.requests.find((r) => r.messages.at(-1)?.content === question)

describe('no tokens paid for nobody', () => {
  it('cancel stops the answer: chat_complete with finishReason cancelled, and the upstream request is aborted', async () => {
    const socket = await connect(srv.ws)
    socket.send({ type: 'chat', content: '[[delay:30]] [[words:200]] cancel me', messageId: 'c-1' })
    await socket.next((f) => f.type === 'chat_delta' && f.messageId === 'c-1')
    socket.send({ type: 'cancel', messageId: 'c-1' })
    const frames = await socket.answer('c-1')
    const complete = frames.at(-1)!
    expect(complete).toMatchObject({ type: 'chat_complete', messageId: 'c-1' })
    expect(complete.metadata).toMatchObject({ finishReason: 'cancelled', usageEstimated: true })
    expect(deltaText(frames).length).toBeLessThan(fake.answerFor('[[words:200]] cancel me').length)
    await expect.poll(() => requestFor('[[delay:30]] [[words:200]] cancel me')?.aborted).toBe(true)
    // The conversation is free again.
    socket.send({ type: 'chat', content: 'next', messageId: 'c-2', conversationId: complete.conversationId })
    expect((await socket.answer('c-2')).at(-1)!.type).toBe('chat_complete')
    socket.close()
  })

  it('a socket that disconnects mid-answer aborts the upstream request at once (RESUME_GRACE_MS=0)', async () => {
    const socket = await connect(srv.ws)
    socket.send({ type: 'chat', content: '[[delay:30]] [[words:200]] leave me', messageId: 'd-1' })
    await socket.next((f) => f.type === 'chat_delta')
    socket.ws.terminate()
    await expect.poll(() => requestFor('[[delay:30]] [[words:200]] leave me')?.aborted, { timeout: 2000 }).toBe(true)
    await expect.poll(() => srv.server.answers.inFlight().length).toBe(0)
  })

  it('closing the SSE request aborts the upstream request', async () => {
    const controller = new AbortController()
    const res = await postChat(srv.http, { content: '[[delay:30]] [[words:200]] sse leave' }, {}, controller.signal)
    expect(res.status).toBe(200)
    for await (const event of readSse(res)) {
      if (event.event === 'chat_delta') break
    }
    controller.abort()
    await expect.poll(() => requestFor('[[delay:30]] [[words:200]] sse leave')?.aborted, { timeout: 2000 }).toBe(true)
  })

  it('a client that stops reading gets slow_consumer and its answer is cancelled instead of buffered', async () => {
    const socket = await connect(srv.ws)
    socket.send({ type: 'chat', content: '[[mode:huge]] flood', messageId: 's-1' })
    await socket.next((f) => f.type === 'chat_start')
    const tcp = (socket.ws as unknown as { _socket: import('node:net').Socket })._socket
    tcp.pause()
    await expect.poll(() => requestFor('[[mode:huge]] flood')?.aborted, { timeout: 10_000 }).toBe(true)
    tcp.resume()
    const error = await socket.next((f) => f.type === 'error' && f.messageId === 's-1', 15_000)
    expect(error.code).toBe('slow_consumer')
    await expect
      .poll(() => srv.logs.find((l) => l.event === 'answer' && l.messageId === 's-1'))
      .toMatchObject({ outcome: 'cancelled', cancelReason: 'slow_consumer' })
    socket.send({ type: 'ping' })
    await socket.next((f) => f.type === 'pong', 15_000)
    socket.close()
  })
})

describe('resume within the grace period', () => {
  it('an answer outlives its socket for RESUME_GRACE_MS; a new socket resumes it from lastSeq, exactly once and in order', async () => {
    const graceful = await startServer({ RESUME_GRACE_MS: '5000' })
    const question = '[[delay:15]] [[words:60]] resume me'
    const first = await connect(graceful.ws)
    first.send({ type: 'chat', content: question, messageId: 'r-1' })
    await first.next((f) => f.type === 'chat_delta' && f.seq === 5)
    first.ws.terminate()
    const seen = first.frames.filter((f) => f.type === 'chat_delta' && f.messageId === 'r-1')
    const lastSeq = seen.at(-1)!.seq!
    const second = await connect(graceful.ws)
    second.send({ type: 'resume', messageId: 'r-1', lastSeq })
    const rest = await second.answer('r-1')
    expect(rest[0]!.seq).toBe(lastSeq + 1)
    const text = seen.map((f) => f.content).join('') + rest.filter((f) => f.type === 'chat_delta').map((f) => f.content).join('')
    expect(text).toBe(fake.answerFor(question))
    expect(rest.at(-1)).toMatchObject({ type: 'chat_complete', metadata: { finishReason: 'stop' } })
    expect(requestFor(question)?.aborted).toBe(false)
    second.close()
  })

  it('with nobody attached after the grace, the answer is cancelled and the upstream aborted', async () => {
    const graceful = await startServer({ RESUME_GRACE_MS: '1000' })
    const question = '[[delay:30]] [[words:200]] abandon me'
    const s = await connect(graceful.ws)
    s.send({ type: 'chat', content: question, messageId: 'r-2' })
    await s.next((f) => f.type === 'chat_delta')
    s.ws.terminate()
    // The grace starts when the server sees the close: the answer still streams then.
    await expect.poll(() => graceful.logs.some((l) => l.event === 'connection_close')).toBe(true)
    expect(requestFor(question)?.aborted).toBe(false)
    await expect.poll(() => requestFor(question)?.aborted, { timeout: 5000 }).toBe(true)
    // It ended on the grace rule, having streamed past what the client saw.
    const endedLine = () => graceful.logs.find((l) => l.event === 'answer' && l.messageId === 'r-2')
    await expect.poll(endedLine).toMatchObject({ outcome: 'cancelled', cancelReason: 'abandoned' })
    const ended = endedLine()!
    expect(ended.deltas as number).toBeGreaterThan(s.frames.filter((f) => f.type === 'chat_delta').length)
  })
})

describe('finished answers kept for resume are bounded', () => {
  it('keeps at most ANSWER_RETENTION_MAX finished answers; the oldest can no longer be resumed', async () => {
    const bounded = await startServer({ ANSWER_RETENTION_MAX: '2' })
    const socket = await connect(bounded.ws)
    for (const id of ['keep-1', 'keep-2', 'keep-3']) {
      socket.send({ type: 'chat', content: `answer ${id}`, messageId: id, conversationId: id })
      await socket.answer(id)
    }
    socket.send({ type: 'resume', messageId: 'keep-1', lastSeq: 2 })
    expect(await socket.next((f) => f.type === 'error' && f.messageId === 'keep-1')).toMatchObject({ code: 'resume_unavailable' })
    const before = socket.frames.length
    // A delta may carry several tokens: the replayed delta 3 is the one first streamed as delta 3.
    const original = socket.frames.find((f) => f.messageId === 'keep-3' && f.type === 'chat_delta' && f.seq === 3)!
    socket.send({ type: 'resume', messageId: 'keep-3', lastSeq: 2 })
    const replay = await socket.next((f) => f.messageId === 'keep-3' && f.type === 'chat_delta' && f.seq === 3)
    expect(replay.content).toBe(original.content)
    expect((await socket.next((f) => f.messageId === 'keep-3' && f.type === 'chat_complete')).type).toBe('chat_complete')
    expect(socket.frames.length).toBeGreaterThan(before)
    socket.close()
  })
})

