/** Hostile or unlucky clients on one instance: each case leaks nothing and gets a clear answer. */
import { connect as tcpConnect } from 'node:net'
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { collectSse, postChat } from './support/sse-client.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'
import { connect, upgradeStatus } from './support/ws-client.js'

let fake: FakeOpenAi
beforeAll(async () => {
  fake = await startFakeOpenAi()
})
afterAll(async () => {
  await fake.close()
})

/** Sends raw upgrade request headers and resolves with the status line once the server answered or hung up. */
function rawUpgrade(port: number, headers: Record<string, string>, hangUpEarly = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1', () => {
      const lines = ['GET /ws/chat HTTP/1.1', `Host: 127.0.0.1:${port}`, 'Connection: Upgrade', 'Upgrade: websocket', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)]
      socket.write(`${lines.join('\r\n')}\r\n\r\n`)
      if (hangUpEarly) socket.destroy()
    })
    let reply = ''
    socket.on('data', (d: Buffer) => (reply += d.toString()))
    socket.on('error', reject)
    socket.on('close', () => resolve(reply.split('\r\n')[0] ?? ''))
  })
}

async function metric(srv: TestServer, name: string): Promise<number> {
  const text = await (await fetch(`${srv.http}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(name))
  return line ? Number(line.split(' ').at(-1)) : 0
}

describe('malformed upgrades do not use up open-socket slots (item 2)', () => {
  let srv: TestServer
  beforeAll(async () => {
    srv = await startTestServer(upstreamEnv(fake.url, { RATE_LIMIT_SOCKETS_PER_USER: '2' }))
  })
  afterAll(() => srv.close())

  it('no Sec-WebSocket-Key, an unknown version, a bad subprotocol and a hang-up: a good client still gets a socket', async () => {
    const key = { 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' }
    expect(await rawUpgrade(srv.server.port, { 'Sec-WebSocket-Version': '13' })).toMatch(/^HTTP\/1.1 400/)
    expect(await rawUpgrade(srv.server.port, { ...key, 'Sec-WebSocket-Version': '9' })).toMatch(/^HTTP\/1.1 400/)
    expect(await rawUpgrade(srv.server.port, { ...key, 'Sec-WebSocket-Protocol': 'a,,b' })).toMatch(/^HTTP\/1.1 400/)
    await rawUpgrade(srv.server.port, key, true)
    // Each refused handshake frees its slot when its TCP connection closes; poll until the server saw the closes.
    await expect.poll(() => upgradeStatus(srv.ws), { timeout: 5000 }).toBe(101)
    const a = await connect(srv.ws)
    const b = await connect(srv.ws)
    expect(await upgradeStatus(srv.ws)).toBe(429) // the limit itself still holds
    a.close()
    b.close()
  })
})

describe('outbound memory is bounded (item 3)', () => {
  let srv: TestServer
  beforeAll(async () => {
    srv = await startTestServer(upstreamEnv(fake.url, { WS_MAX_MESSAGES_PER_SECOND: '0', WS_MAX_BUFFERED_BYTES: '65536' }))
  })
  afterAll(() => srv.close())

  it('an error repeats at most a short prefix of a huge type', async () => {
    const socket = await connect(srv.ws)
    socket.send({ type: 'x'.repeat(500_000) })
    const error = await socket.next((f) => f.type === 'error')
    expect(error.code).toBe('invalid_message')
    expect(error.error).toMatch(/^type must be one of chat, ping, cancel, resume, subscribe, unsubscribe \(got "x{39}… \(500002 characters\)\)$/)
    socket.close()
  })

  it('a socket that never reads while it floods is closed with 4008 once its outbound buffer is full, and counted', async () => {
    const socket = await connect(srv.ws)
    const tcp = (socket.ws as unknown as { _socket: import('node:net').Socket })._socket
    tcp.pause()
    const before = await metric(srv, 'assistant_ws_send_overflow_total')
    const frame = JSON.stringify({ type: 'nope' })
    // Each bad frame makes an error frame; floods in batches until the server gave up on this reader.
    for (let batch = 0; batch < 200 && (await metric(srv, 'assistant_ws_send_overflow_total')) === before; batch++) {
      for (let i = 0; i < 5000; i++) socket.ws.send(frame)
      await new Promise<void>((resolve) => socket.ws.send('{"type":"ping"}', () => resolve()))
    }
    expect(await metric(srv, 'assistant_ws_send_overflow_total')).toBe(before + 1)
    tcp.resume()
    expect(await socket.closed).toMatchObject({ code: 4008 })
    expect(srv.logs.some((l) => l.event === 'send_overflow')).toBe(true)
    // The process and other sockets are fine.
    const other = await connect(srv.ws)
    other.send({ type: 'ping' })
    await other.next((f) => f.type === 'pong')
    other.close()
  })
})

const HS_SECRET = 'a-test-hs256-secret-that-is-long-enough-for-jose'
const sign = (claims: Record<string, unknown>, exp?: number) => {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt()
  if (exp !== undefined) jwt.setExpirationTime(exp)
  return jwt.sign(new TextEncoder().encode(HS_SECRET))
}

describe('JWTs need exp and sub; subscribe never creates conversations (items 4, 5)', () => {
  let srv: TestServer
  beforeAll(async () => {
    srv = await startTestServer(upstreamEnv(fake.url, { AUTH_MODE: 'jwt', JWT_SECRET: HS_SECRET, HISTORY_MAX_CONVERSATIONS: '5' }))
  })
  afterAll(() => srv.close())
  const inAnHour = () => Math.floor(Date.now() / 1000) + 3600

  it('a token without exp, or without sub, is refused with a sentence naming the claim', async () => {
    const noExp = await postChat(srv.http, { content: 'hi' }, { authorization: `Bearer ${await sign({ sub: 'alice' })}` })
    expect(noExp.status).toBe(401)
    expect((await noExp.json()) as object).toMatchObject({ code: 'unauthorized', error: 'The token has no exp claim; issue tokens with exp and sub' })
    const noSub = await postChat(srv.http, { content: 'hi' }, { authorization: `Bearer ${await sign({}, inAnHour())}` })
    expect(noSub.status).toBe(401)
    expect((await noSub.json()) as object).toMatchObject({ error: 'The token has no sub claim; issue tokens with exp and sub' })
    expect(await upgradeStatus(srv.ws, { headers: { authorization: `Bearer ${await sign({ sub: 'alice' })}` } })).toBe(401)
  })

  it('a token that expires in 30 days (past the setTimeout limit) keeps its socket open', async () => {
    const token = await sign({ sub: 'alice' }, Math.floor(Date.now() / 1000) + 30 * 86_400)
    const socket = await connect(srv.ws, { headers: { authorization: `Bearer ${token}` } })
    // Before the fix the expiry timer overflowed and fired at once: the close came before any reply.
    socket.send({ type: 'chat', content: 'still here?', messageId: 'long-1' })
    expect((await socket.answer('long-1')).at(-1)!.type).toBe('chat_complete')
    expect(socket.ws.readyState).toBe(socket.ws.OPEN)
    socket.close()
  })

  it('subscribes to unknown ids are refused and create nothing: a real conversation keeps its history', async () => {
    const alice = { authorization: `Bearer ${await sign({ sub: 'alice' }, inAnHour())}` }
    const socket = await connect(srv.ws, { headers: alice })
    socket.send({ type: 'chat', content: 'remember me', messageId: 'keep-1', conversationId: 'keep-conv' })
    expect((await socket.answer('keep-1')).at(-1)!.type).toBe('chat_complete')
    for (let i = 0; i < 20; i++) socket.send({ type: 'subscribe', conversationId: `unknown-${i}` })
    for (let i = 0; i < 20; i++) {
      const refused = await socket.next((f) => f.type === 'error' && f.conversationId === `unknown-${i}`)
      expect(refused).toMatchObject({ code: 'forbidden', error: 'This conversation is unknown or belongs to another user; subscribe to a conversation you have chatted in' })
    }
    const res = await fetch(`${srv.http}/api/conversations/keep-conv`, { headers: alice })
    expect(res.status).toBe(200)
    expect(JSON.stringify(await res.json())).toContain('remember me')
    const list = (await (await fetch(`${srv.http}/api/conversations`, { headers: alice })).json()) as { conversations: { conversationId: string }[] }
    expect(list.conversations.map((c) => c.conversationId)).toContain('keep-conv')
    expect(list.conversations.map((c) => c.conversationId).filter((id) => id.startsWith('unknown-'))).toEqual([])
    // Its owner may still join it.
    socket.send({ type: 'subscribe', conversationId: 'keep-conv' })
    await socket.next((f) => f.type === 'subscribed' && f.conversationId === 'keep-conv')
    socket.close()
  })
})

describe('anonymous sockets, SSE ends, parse errors, CORS (items 4, 9, 10)', () => {
  let srv: TestServer
  beforeAll(async () => {
    srv = await startTestServer(upstreamEnv(fake.url, { WS_MAX_MESSAGES_PER_SECOND: '0', CORS_ORIGINS: '*' }))
  })
  afterAll(() => srv.close())

  it('one socket joins at most 64 conversations, and the error says so', async () => {
    const socket = await connect(srv.ws)
    for (let i = 0; i < 64; i++) socket.send({ type: 'subscribe', conversationId: `many-${i}` })
    for (let i = 0; i < 64; i++) await socket.next((f) => f.type === 'subscribed' && f.conversationId === `many-${i}`)
    socket.send({ type: 'subscribe', conversationId: 'one-too-many' })
    const refused = await socket.next((f) => f.type === 'error' && f.conversationId === 'one-too-many')
    expect(refused).toMatchObject({ code: 'invalid_message', error: 'A socket may join at most 64 conversations; unsubscribe from one first' })
    socket.send({ type: 'unsubscribe', conversationId: 'many-0' })
    socket.send({ type: 'subscribe', conversationId: 'one-too-many' })
    await socket.next((f) => f.type === 'subscribed' && f.conversationId === 'one-too-many')
    socket.close()
  })

  it('a bad frame naming a live answer does not end it: the error carries no messageId', async () => {
    const socket = await connect(srv.ws)
    socket.send({ type: 'chat', content: '[[delay:20]] [[words:30]] keep going', messageId: 'live-1' })
    await socket.next((f) => f.type === 'chat_delta' && f.messageId === 'live-1')
    socket.send({ type: 'resume', messageId: 'live-1', lastSeq: 'not a number' })
    const error = await socket.next((f) => f.type === 'error' && f.code === 'invalid_message')
    expect(error).not.toHaveProperty('messageId')
    expect(error.error).toMatch(/^Invalid resume message: lastSeq/)
    const frames = await socket.answer('live-1')
    expect(frames.at(-1)).toMatchObject({ type: 'chat_complete', metadata: { finishReason: 'stop' } })
    socket.close()
  })

  it('the terminal SSE frame has id "end", and an EventSource reconnect with it gets 204', async () => {
    const res = await postChat(srv.http, { content: 'sse ends', messageId: 'sse-end-1' })
    const events = await collectSse(res)
    const last = events.at(-1)!
    expect(last).toMatchObject({ event: 'chat_complete', id: 'end' })
    const again = await fetch(`${srv.http}/api/playground/assistant/chat/sse-end-1`, { headers: { 'last-event-id': 'end' } })
    expect(again.status).toBe(204)
    // Also once the answer is forgotten (an unknown id): the client saw its end, so it must stop.
    const unknown = await fetch(`${srv.http}/api/playground/assistant/chat/never-known`, { headers: { 'last-event-id': 'end' } })
    expect(unknown.status).toBe(204)
  })

  it('CORS_ORIGINS=* lets any origin call without credentials', async () => {
    const res = await fetch(`${srv.http}/api/info`, { headers: { origin: 'https://evil.example' } })
    expect(res.headers.get('access-control-allow-origin')).toBe('https://evil.example')
    expect(res.headers.get('access-control-allow-credentials')).toBeNull()
    const preflight = await fetch(`${srv.http}/api/playground/assistant/chat`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    })
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull()
  })
})
