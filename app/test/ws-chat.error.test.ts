import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { manualClock, startTestServer, upstreamEnv, type TestServer } from './support/server.js'
import { connect, type TestSocket } from './support/ws-client.js'

let fake: FakeOpenAi
let srv: TestServer
// The message budget runs on this clock: the flood test moves it, nothing depends on the wall clock.
const clock = manualClock()

beforeAll(async () => {
  fake = await startFakeOpenAi()
  srv = await startTestServer(upstreamEnv(fake.url, { CHAT_MAX_CONTENT_CHARS: '1000' }), { clock })
})
afterAll(async () => {
  await srv.close()
  await fake.close()
})

/** After any error the socket must still answer a ping and a chat. */
async function stillUsable(socket: TestSocket) {
  socket.send({ type: 'ping' })
  await socket.next((f) => f.type === 'pong')
  const id = `after-${Math.random().toString(36).slice(2)}`
  socket.send({ type: 'chat', content: 'still there?', messageId: id })
  const frames = await socket.answer(id)
  expect(frames.at(-1)!.type).toBe('chat_complete')
}

const cases: [string, string, RegExp][] = [
  ['invalid JSON', '{"type":"chat",', /not valid JSON/],
  ['a JSON array', '[1,2]', /must be a JSON object/],
  ['a JSON string', '"chat"', /must be a JSON object/],
  ['unknown type', JSON.stringify({ type: 'shout', content: 'hi' }), /type must be one of chat, ping, cancel, resume.*got "shout"/],
  ['missing type', JSON.stringify({ content: 'hi' }), /type must be one of .*got missing/],
  ['missing content', JSON.stringify({ type: 'chat' }), /content must be a string/],
  ['empty content', JSON.stringify({ type: 'chat', content: '' }), /content must not be empty/],
  ['blank content', JSON.stringify({ type: 'chat', content: '   \n ' }), /content must not be empty/],
  ['oversized content', JSON.stringify({ type: 'chat', content: 'x'.repeat(1001) }), /content must be at most 1000 characters/],
  ['content of the wrong type', JSON.stringify({ type: 'chat', content: 42 }), /content must be a string/],
  ['messageId of the wrong type', JSON.stringify({ type: 'chat', content: 'hi', messageId: {} }), /messageId must be a string/],
  ['conversationId of the wrong type', JSON.stringify({ type: 'chat', content: 'hi', conversationId: 42 }), /conversationId must be a string/],
  ['an unsafe id', JSON.stringify({ type: 'chat', content: 'hi', conversationId: 'a b/c' }), /conversationId must be 1-128 letters/],
  ['cancel without messageId', JSON.stringify({ type: 'cancel' }), /messageId must be a string/],
  ['resume with a bad lastSeq', JSON.stringify({ type: 'resume', messageId: 'x', lastSeq: 'one' }), /lastSeq must be a number/],
]

describe('WebSocket chat: bad input gets a clear error and the socket survives', () => {
  for (const [name, text, message] of cases) {
    it(`rejects ${name} with invalid_message`, async () => {
      const socket = await connect(srv.ws)
      socket.send(text)
      const error = await socket.next((f) => f.type === 'error')
      expect(error.code).toBe('invalid_message')
      expect(error.error).toMatch(message)
      await stillUsable(socket)
      socket.close()
    })
  }

  it('leaves the messageId of a bad message out of the error (an error with one would end that answer)', async () => {
    const socket = await connect(srv.ws)
    socket.send({ type: 'chat', content: '', messageId: 'bad-1' })
    const error = await socket.next((f) => f.type === 'error')
    expect(error).toEqual({ type: 'error', code: 'invalid_message', error: 'Invalid chat message: content must not be empty' })
    socket.close()
  })

  it('rejects binary frames with invalid_message', async () => {
    const socket = await connect(srv.ws)
    socket.ws.send(Buffer.from([1, 2, 3]), { binary: true })
    const error = await socket.next((f) => f.type === 'error')
    expect(error).toMatchObject({ code: 'invalid_message' })
    expect(error.error).toMatch(/Binary frames are not supported/)
    await stillUsable(socket)
    socket.close()
  })

  it('closes the socket with 1009 on a 2 MiB frame, and the server keeps serving others', async () => {
    const socket = await connect(srv.ws)
    socket.send({ type: 'chat', content: 'x'.repeat(2 * 1024 * 1024) })
    const { code } = await socket.closed
    expect(code).toBe(1009)
    const other = await connect(srv.ws)
    await stillUsable(other)
    other.close()
  })

  it('drops a message flood with one rate_limited error a second, and keeps the socket', async () => {
    const socket = await connect(srv.ws)
    for (let i = 0; i < 100; i++) socket.send({ type: 'ping' })
    const warning = await socket.next((f) => f.type === 'error')
    expect(warning).toMatchObject({ code: 'rate_limited', retryAfter: 1 })
    expect(warning.error).toMatch(/at most 20 a second/)
    // A second later on the server's clock one more ping gets through; it was sent after the flood, so its
    // pong also says every ping of the flood was handled: exactly the burst (40) was answered.
    clock.advance(1000)
    socket.send({ type: 'ping' })
    await expect.poll(() => socket.frames.filter((f) => f.type === 'pong').length).toBe(41)
    expect(socket.frames.filter((f) => f.type === 'error')).toHaveLength(1)
    clock.advance(1100)
    await stillUsable(socket)
    socket.close()
  })

  it('disconnects a client that keeps flooding with 1008', async () => {
    const socket = await connect(srv.ws)
    for (let i = 0; i < 1000; i++) socket.send({ type: 'ping' })
    expect((await socket.closed).code).toBe(1008)
  })

  it('reuses a messageId only once', async () => {
    const socket = await connect(srv.ws)
    socket.send({ type: 'chat', content: 'first', messageId: 'dup-1' })
    await socket.answer('dup-1')
    socket.send({ type: 'chat', content: 'again', messageId: 'dup-1' })
    const error = await socket.next((f) => f.type === 'error' && f.messageId === 'dup-1')
    expect(error.code).toBe('invalid_message')
    expect(error.error).toMatch(/already used/)
    socket.close()
  })

  it('answers cancel and resume of an unknown answer with clear codes', async () => {
    const socket = await connect(srv.ws)
    socket.send({ type: 'cancel', messageId: 'nope' })
    expect(await socket.next((f) => f.type === 'error')).toMatchObject({ code: 'unknown_answer', messageId: 'nope' })
    socket.send({ type: 'resume', messageId: 'nope', lastSeq: 3 })
    expect(await socket.next((f) => f.type === 'error' && f.code !== 'unknown_answer')).toMatchObject({ code: 'resume_unavailable', messageId: 'nope' })
    await stillUsable(socket)
    socket.close()
  })

  it('refuses a plain HTTP GET on the socket path with 426 and a sentence', async () => {
    const res = await fetch(`${srv.http}/ws/chat`)
    expect(res.status).toBe(426)
    expect(((await res.json()) as { error: string }).error).toMatch(/WebSocket/)
  })
})
