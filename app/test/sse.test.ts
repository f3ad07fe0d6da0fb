import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { collectSse, postChat, postChatAndDrop } from './support/sse-client.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'
import { deltaText } from './support/ws-client.js'

let fake: FakeOpenAi
let srv: TestServer

beforeAll(async () => {
  fake = await startFakeOpenAi()
  srv = await startTestServer(upstreamEnv(fake.url, { RESUME_GRACE_MS: '5000' }))
})
afterAll(async () => {
  await srv.close()
  await fake.close()
})

describe('POST /api/playground/assistant/chat (Server-Sent Events)', () => {
  it('streams the same frames as the socket, as named SSE events with the delta seq as event id', async () => {
    const res = await postChat(srv.http, { content: 'How do I mint a token?', conversationId: 'sse-c', messageId: 'sse-m' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(res.headers.get('x-message-id')).toBe('sse-m')
    const events = await collectSse(res)
    expect(events[0]).toMatchObject({ event: 'chat_start', frame: { type: 'chat_start', messageId: 'sse-m', conversationId: 'sse-c' } })
    const frames = events.map((e) => e.frame)
    expect(deltaText(frames)).toBe(fake.answerFor('How do I mint a token?'))
    expect(events.filter((e) => e.event === 'chat_delta').every((e) => e.id === String(e.frame.seq))).toBe(true)
    expect(events.at(-1)).toMatchObject({ event: 'chat_complete', frame: { metadata: { finishReason: 'stop' } } })
  })

  it('takes JSON only, so a cross-site form cannot start an answer without a CORS preflight', async () => {
    const form = await fetch(`${srv.http}/api/playground/assistant/chat`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"content":"spend my tokens"}' })
    expect(form.status).toBe(415)
    expect(((await form.json()) as { code: string; error: string }).error).toMatch(/content-type: application\/json/)
    expect(fake.requests.some((r) => r.messages.at(-1)?.content === 'spend my tokens')).toBe(false)
  })

  it('answers bad requests with 400 and a sentence, never a stream', async () => {
    const bad: [unknown, RegExp][] = [
      ['{not json', /must be JSON/],
      [{}, /content must be a string/],
      [{ content: '' }, /content must not be empty/],
      [{ content: 'hi', messageId: {} }, /messageId must be a string/],
      [{ content: 'hi', conversationId: 42 }, /conversationId must be a string/],
    ]
    for (const [body, message] of bad) {
      const res = await postChat(srv.http, body)
      expect(res.status).toBe(400)
      const json = (await res.json()) as { code: string; error: string }
      expect(json.code).toBe('invalid_message')
      expect(json.error).toMatch(message)
    }
  })

  it('refuses a body over the size limit with 413 before reading it whole', async () => {
    const res = await postChat(srv.http, JSON.stringify({ content: 'x'.repeat(2 * 1024 * 1024) }))
    expect(res.status).toBe(413)
    expect((await res.json()) as { code: string; error: string }).toMatchObject({ code: 'payload_too_large', error: expect.stringMatching(/over 1048576 bytes/) as unknown })
    const ok = await postChat(srv.http, { content: 'still fine' })
    expect(ok.status).toBe(200)
    await ok.text()
  })

  it('answers a second chat on a busy conversation with 409 busy', async () => {
    const first = await postChat(srv.http, { content: '[[delay:20]] [[words:30]] busy one', conversationId: 'sse-busy' })
    const second = await postChat(srv.http, { content: 'busy two', conversationId: 'sse-busy' })
    expect(second.status).toBe(409)
    expect(((await second.json()) as { code: string }).code).toBe('busy')
    await collectSse(first)
  })

  it('resumes with Last-Event-ID, by POST with the messageId or by GET, exactly once and in order', async () => {
    const question = '[[delay:15]] [[words:40]] resume over sse'
    const { seen, lastEventId: lastId } = await postChatAndDrop(srv.http, { content: question, messageId: 'sse-r' }, 4)
    const byPost = await postChat(srv.http, { content: 'ignored on resume', messageId: 'sse-r' }, { 'last-event-id': lastId })
    const rest = (await collectSse(byPost)).map((e) => e.frame)
    expect(rest[0]!.seq).toBe(Number(lastId) + 1)
    expect(seen.join('') + rest.filter((f) => f.type === 'chat_delta').map((f) => f.content).join('')).toBe(fake.answerFor(question))
    expect(rest.at(-1)!.type).toBe('chat_complete')

    const byGet = await fetch(`${srv.http}/api/playground/assistant/chat/sse-r`, { headers: { 'last-event-id': '10' } })
    const replay = (await collectSse(byGet)).map((e) => e.frame)
    expect(replay[0]!.seq).toBe(11)
    expect(replay.at(-1)!.type).toBe('chat_complete')
  })

  it('answers a resume of an unknown answer with 404 resume_unavailable', async () => {
    const res = await fetch(`${srv.http}/api/playground/assistant/chat/never-was`, { headers: { 'last-event-id': '3' } })
    expect(res.status).toBe(404)
    expect(((await res.json()) as { code: string }).code).toBe('resume_unavailable')
  })
})
