/** Hostile or unlucky clients with Redis: admissions that finish after the socket left, dead producers, event order. */
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { startProcess, type ServerProcess } from './support/process.js'
import { startRedis, type RedisServer } from './support/redis-server.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'
import { connect } from './support/ws-client.js'

let fake: FakeOpenAi
let redis: RedisServer
let admin: Redis
beforeAll(async () => {
  fake = await startFakeOpenAi()
  redis = await startRedis()
  admin = new Redis(redis.url)
})
afterAll(async () => {
  admin.disconnect()
  await redis.stop()
  await fake.close()
})

describe('a socket closed while its chat is being admitted (item 1)', () => {
  let srv: TestServer
  beforeAll(async () => {
    srv = await startTestServer(upstreamEnv(fake.url, { REDIS_URL: redis.url, RESUME_GRACE_MS: '0' }))
  })
  afterAll(() => srv.close())

  it('the answer admitted after the close is cancelled at once and its conversation is not subscribed', async () => {
    const ids = [1, 2, 3, 4].map((n) => ({ messageId: `gone-${n}`, conversationId: `gone-conv-${n}` }))
    // Redis holds every write (the claim) until unpaused, so each admission is still running when its socket closes.
    await admin.call('CLIENT', 'PAUSE', '20000', 'WRITE')
    try {
      for (const { messageId, conversationId } of ids) {
        const socket = await connect(srv.ws)
        socket.send({ type: 'chat', content: `[[delay:30]] [[words:1000]] nobody listens ${messageId}`, messageId, conversationId })
        socket.ws.terminate()
      }
      await expect.poll(() => srv.logs.filter((l) => l.event === 'connection_close').length, { timeout: 10_000 }).toBe(ids.length)
    } finally {
      await admin.call('CLIENT', 'UNPAUSE')
    }
    for (const { messageId } of ids) {
      // 30 s of answer before the fix; cancelled as abandoned (RESUME_GRACE_MS=0) after it.
      await expect
        .poll(() => srv.logs.find((l) => l.event === 'answer' && l.messageId === messageId), { timeout: 5000 })
        .toMatchObject({ outcome: 'cancelled', cancelReason: 'abandoned' })
    }
    expect(srv.logs.filter((l) => l.event === 'admission_abandoned')).toHaveLength(ids.length)
    const counts = (await admin.call('PUBSUB', 'NUMSUB', ...ids.map((i) => `hedera-assistant:conversation:${i.conversationId}`))) as (string | number)[]
    expect(counts.filter((_, i) => i % 2 === 1).map(Number)).toEqual([0, 0, 0, 0])
    expect(srv.server.answers.inFlight()).toHaveLength(0)
  })

  it('a join refused once by Redis is forgotten: the next subscribe really subscribes (item 7)', async () => {
    const phone = await connect(srv.ws)
    await admin.call('ACL', 'SETUSER', 'default', '-subscribe')
    try {
      phone.send({ type: 'subscribe', conversationId: 'blip-conv' })
      expect(await phone.next((f) => f.type === 'error')).toMatchObject({ code: 'unavailable' })
    } finally {
      await admin.call('ACL', 'SETUSER', 'default', '+subscribe')
    }
    phone.send({ type: 'subscribe', conversationId: 'blip-conv' })
    await phone.next((f) => f.type === 'subscribed' && f.conversationId === 'blip-conv')
    const laptop = await connect(srv.ws)
    laptop.send({ type: 'chat', content: 'after the blip', messageId: 'blip-1', conversationId: 'blip-conv' })
    const onLaptop = await laptop.answer('blip-1')
    expect(await phone.answer('blip-1')).toEqual(onLaptop)
    phone.close()
    laptop.close()
  })

  it('conversation_updated reaches the asking socket after its answer ends (item 10)', async () => {
    const socket = await connect(srv.ws)
    socket.send({ type: 'chat', content: 'order please', messageId: 'order-1', conversationId: 'order-conv' })
    await socket.next((f) => f.type === 'conversation_updated' && f.conversationId === 'order-conv')
    const types = socket.frames.map((f) => f.type)
    expect(types.indexOf('chat_complete')).toBeGreaterThanOrEqual(0)
    expect(types.indexOf('chat_complete')).toBeLessThan(types.indexOf('conversation_updated'))
    socket.close()
  })
})

describe('a failure after the claim releases it (item 8)', () => {
  let srv: TestServer
  const token = 'tok_claim_0123456789abcdef'
  beforeAll(async () => {
    srv = await startTestServer(upstreamEnv(fake.url, { REDIS_URL: redis.url, AUTH_MODE: 'token', API_TOKENS: token }))
  })
  afterAll(() => srv.close())

  it('when the owner of a new conversation cannot be written, the chat is refused and its conversation is not left busy', async () => {
    const socket = await connect(srv.ws, { headers: { authorization: `Bearer ${token}` } })
    // Everything but the users' conversation lists: the claim succeeds, setting the owner after it fails.
    await admin.call('ACL', 'SETUSER', 'default', 'resetkeys', '~hedera-assistant:conversation:*', '~hedera-assistant:answer:*', '~hedera-assistant:conv:*')
    try {
      socket.send({ type: 'chat', content: 'owner write fails', messageId: 'owner-1' })
      expect(await socket.next((f) => f.type === 'error' && f.messageId === 'owner-1')).toMatchObject({ code: 'unavailable' })
    } finally {
      await admin.call('ACL', 'SETUSER', 'default', 'allkeys')
    }
    // The release is awaited before the refusal is sent, so no claim may be left by now.
    const claims = await Promise.all((await admin.keys('hedera-assistant:conversation:*:busy')).map((key) => admin.get(key)))
    expect(claims).not.toContain('owner-1')
    socket.close()
  })
})

describe('a producer killed mid-answer (item 6)', () => {
  const running: ServerProcess[] = []
  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop()))
  })

  it('a client following it on another instance gets answer_interrupted from the heartbeat, not after the 30 s idle timeout', async () => {
    // The default first-token and idle timeouts (30 s): before the fix staleMs was 32 s.
    const env = { OPENAI_API_KEY: 'sk-heartbeat', OPENAI_BASE_URL: fake.url, REDIS_URL: redis.url, RESUME_GRACE_MS: '5000', SHUTDOWN_GRACE_MS: '1000' }
    const [a, b] = await Promise.all([startProcess(env), startProcess(env)])
    running.push(a, b)
    const first = await connect(a.ws)
    first.send({ type: 'chat', content: '[[delay:50]] [[words:400]] killed producer', messageId: 'kill-1' })
    await first.next((f) => f.type === 'chat_delta' && f.seq === 3)
    const follower = await connect(b.ws)
    follower.send({ type: 'resume', messageId: 'kill-1', lastSeq: 3 })
    await follower.next((f) => f.type === 'chat_delta' && f.messageId === 'kill-1')
    a.child.kill('SIGKILL')
    await a.exited
    const interrupted = await follower.next((f) => f.type === 'error' && f.messageId === 'kill-1', 10_000)
    expect(interrupted).toMatchObject({ code: 'answer_interrupted' })
    follower.close()
  })
})
