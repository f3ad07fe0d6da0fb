import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'
import { connect, deltaText } from './support/ws-client.js'

const ALICE = 'tok_alice_0123456789abcdef'
const BOB = 'tok_bob_0123456789abcdefgh'

let fake: FakeOpenAi
beforeAll(async () => {
  fake = await startFakeOpenAi()
})
afterAll(async () => {
  await fake.close()
})

const json = async (res: Response) => (await res.json()) as Record<string, unknown>

describe('conversations without authentication: the id is the capability', () => {
  let srv: TestServer
  beforeAll(async () => {
    srv = await startTestServer(upstreamEnv(fake.url))
  })
  afterAll(() => srv.close())

  it('every socket subscribed to a conversation receives the frames of an answer started from any of them', async () => {
    const laptop = await connect(srv.ws)
    const phone = await connect(srv.ws)
    phone.send({ type: 'subscribe', conversationId: 'shared-conv' })
    expect(await phone.next((f) => f.type === 'subscribed')).toEqual({ type: 'subscribed', conversationId: 'shared-conv' })
    laptop.send({ type: 'chat', content: 'from the laptop', conversationId: 'shared-conv', messageId: 'sync-1' })
    const [onLaptop, onPhone] = await Promise.all([laptop.answer('sync-1'), phone.answer('sync-1')])
    expect(onPhone).toEqual(onLaptop)
    expect(deltaText(onPhone)).toBe(fake.answerFor('from the laptop'))
    expect(await phone.next((f) => f.type === 'conversation_updated')).toMatchObject({ conversationId: 'shared-conv', change: 'turn' })
    // The laptop joined implicitly by chatting; an answer started on the phone reaches it too.
    phone.send({ type: 'chat', content: 'from the phone', conversationId: 'shared-conv', messageId: 'sync-2' })
    expect(deltaText(await laptop.answer('sync-2'))).toBe(fake.answerFor('from the phone'))
    phone.send({ type: 'unsubscribe', conversationId: 'shared-conv' })
    await phone.next((f) => f.type === 'unsubscribed')
    laptop.send({ type: 'chat', content: 'phone left', conversationId: 'shared-conv', messageId: 'sync-3' })
    await laptop.answer('sync-3')
    // A barrier instead of a sleep: frames of sync-3 for the phone would have been written to its socket when
    // the laptop's were, so before the pong answering a ping sent after the laptop saw chat_complete.
    phone.send({ type: 'ping' })
    await phone.next((f) => f.type === 'pong')
    expect(phone.frames.some((f) => f.messageId === 'sync-3')).toBe(false)
    laptop.close()
    phone.close()
  })

  it('reads, renames and deletes a conversation over REST, and subscribers hear about it', async () => {
    const socket = await connect(srv.ws)
    socket.send({ type: 'chat', content: 'remember me', conversationId: 'rest-conv', messageId: 'rest-1' })
    await socket.answer('rest-1')
    const read = await fetch(`${srv.http}/api/conversations/rest-conv`)
    expect(read.status).toBe(200)
    expect(await json(read)).toEqual({
      conversationId: 'rest-conv',
      messages: [
        { role: 'user', content: 'remember me' },
        { role: 'assistant', content: fake.answerFor('remember me') },
      ],
    })
    const renamed = await fetch(`${srv.http}/api/conversations/rest-conv`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: '  Minting  ' }) })
    expect(await json(renamed)).toEqual({ conversationId: 'rest-conv', title: 'Minting' })
    expect(await socket.next((f) => f.type === 'conversation_updated' && f.change === 'renamed')).toMatchObject({ conversationId: 'rest-conv' })
    expect((await fetch(`${srv.http}/api/conversations/rest-conv`, { method: 'DELETE' })).status).toBe(204)
    expect(await socket.next((f) => f.type === 'conversation_updated' && f.change === 'deleted')).toMatchObject({ conversationId: 'rest-conv' })
    expect((await fetch(`${srv.http}/api/conversations/rest-conv`)).status).toBe(404)
    expect((await fetch(`${srv.http}/api/conversations/rest-conv`, { method: 'DELETE' })).status).toBe(404)
    socket.close()
  })

  it('validates ids and bodies with clear errors', async () => {
    const bad = await fetch(`${srv.http}/api/conversations/has%20space`)
    expect(bad.status).toBe(400)
    expect((await json(bad)).error).toMatch(/conversationId must be 1-128 letters/)
    const emptyTitle = await fetch(`${srv.http}/api/conversations/x`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"title":"  "}' })
    expect(emptyTitle.status).toBe(400)
    expect((await json(emptyTitle)).error).toMatch(/title must not be empty/)
    const list = await fetch(`${srv.http}/api/conversations`)
    expect(list.status).toBe(401)
    expect((await json(list)).error).toMatch(/needs a signed-in user/)
    const socket = await connect(srv.ws)
    socket.send({ type: 'subscribe' })
    expect(await socket.next((f) => f.type === 'error')).toMatchObject({ code: 'invalid_message' })
    socket.close()
  })
})

describe('conversations with authentication: only the owner', () => {
  let srv: TestServer
  beforeAll(async () => {
    srv = await startTestServer(upstreamEnv(fake.url, { AUTH_MODE: 'token', API_TOKENS: `${ALICE},${BOB}` }))
  })
  afterAll(() => srv.close())
  const as = (token: string) => ({ authorization: `Bearer ${token}` })

  it('lists a user their own conversations and hides them from others', async () => {
    const alice = await connect(srv.ws, { headers: as(ALICE) })
    alice.send({ type: 'chat', content: 'alice asks', conversationId: 'alice-conv', messageId: 'a-1' })
    await alice.answer('a-1')
    const list = await json(await fetch(`${srv.http}/api/conversations`, { headers: as(ALICE) }))
    expect((list.conversations as { conversationId: string }[]).map((c) => c.conversationId)).toEqual(['alice-conv'])
    expect(await json(await fetch(`${srv.http}/api/conversations`, { headers: as(BOB) }))).toEqual({ conversations: [] })
    expect((await fetch(`${srv.http}/api/conversations/alice-conv`, { headers: as(BOB) })).status).toBe(404)
    expect((await fetch(`${srv.http}/api/conversations/alice-conv`, { method: 'DELETE', headers: as(BOB) })).status).toBe(404)
    expect((await fetch(`${srv.http}/api/conversations/alice-conv`, { headers: as(ALICE) })).status).toBe(200)

    const bob = await connect(srv.ws, { headers: as(BOB) })
    bob.send({ type: 'subscribe', conversationId: 'alice-conv' })
    expect(await bob.next((f) => f.type === 'error')).toMatchObject({ code: 'forbidden', conversationId: 'alice-conv' })
    bob.send({ type: 'chat', content: 'bob barges in', conversationId: 'alice-conv', messageId: 'b-1' })
    expect(await bob.next((f) => f.messageId === 'b-1')).toMatchObject({ type: 'error', code: 'forbidden' })
    bob.send({ type: 'resume', messageId: 'a-1', lastSeq: -1 })
    expect(await bob.next((f) => f.type === 'error' && f.messageId === 'a-1')).toMatchObject({ code: 'resume_unavailable' })
    alice.close()
    bob.close()
  })
})
