import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { runToFailure, startProcess, type ServerProcess } from './support/process.js'
import { startRedis, type RedisServer } from './support/redis-server.js'
import { collectSse, postChatAndDrop } from './support/sse-client.js'
import { connect, deltaText, upgradeStatus } from './support/ws-client.js'
import type { ServerFrame } from '../src/protocol/frames.js'

let fake: FakeOpenAi
let redis: RedisServer
const running: ServerProcess[] = []

beforeAll(async () => {
  fake = await startFakeOpenAi()
  redis = await startRedis({ persistence: true })
})
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()))
})
afterAll(async () => {
  await redis.stop()
  await fake.close()
})

async function instance(extra: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await startProcess({
    OPENAI_API_KEY: 'sk-scale-out',
    OPENAI_BASE_URL: fake.url,
    REDIS_URL: redis.url,
    RESUME_GRACE_MS: '5000',
    OPENAI_FIRST_TOKEN_TIMEOUT_MS: '1000',
    OPENAI_IDLE_TIMEOUT_MS: '1000',
    SHUTDOWN_GRACE_MS: '1000',
    ...extra,
  })
  running.push(server)
  return server
}

const deltas = (frames: ServerFrame[]) => frames.filter((f) => f.type === 'chat_delta')
const text = (frames: ServerFrame[]) => deltas(frames).map((f) => f.content).join('')

describe('many instances sharing one Redis', () => {
  it('a socket cut mid-answer on A resumes on B: the text equals the upstream answer exactly', async () => {
    const [a, b] = await Promise.all([instance(), instance()])
    const question = '[[delay:20]] [[words:60]] resume across instances'
    const first = await connect(a.ws)
    first.send({ type: 'chat', content: question, messageId: 'x-1' })
    await first.next((f) => f.type === 'chat_delta' && f.seq === 7)
    first.ws.terminate()
    const seen = deltas(first.frames)
    const lastSeq = seen.at(-1)!.seq!
    const second = await connect(b.ws)
    second.send({ type: 'resume', messageId: 'x-1', lastSeq })
    const rest = await second.answer('x-1')
    expect(rest[0]).toMatchObject({ type: 'chat_delta', seq: lastSeq + 1 })
    expect(text(seen) + text(rest)).toBe(fake.answerFor(question))
    expect([...deltas(seen), ...deltas(rest)].map((f) => f.seq)).toEqual([...Array(fake.chunksFor(question).length).keys()])
    expect(rest.at(-1)).toMatchObject({ type: 'chat_complete', metadata: { finishReason: 'stop' } })
    second.close()
  })

  it('A killed with SIGKILL mid-answer: B replays every stored frame, then a clear error, never a silent stop', async () => {
    const [a, b] = await Promise.all([instance(), instance()])
    const question = '[[delay:30]] [[words:200]] the instance dies'
    const first = await connect(a.ws)
    first.send({ type: 'chat', content: question, messageId: 'x-kill' })
    await first.next((f) => f.type === 'chat_delta' && f.seq === 5)
    a.child.kill('SIGKILL')
    await first.closed
    const seen = deltas(first.frames)
    const second = await connect(b.ws)
    second.send({ type: 'resume', messageId: 'x-kill', lastSeq: -1 })
    const replay = await second.answer('x-kill', 15_000)
    expect(replay[0]!.type).toBe('chat_start')
    // Everything A stored before it died, in order, with no gap: at least what the first client saw.
    const replayed = deltas(replay)
    expect(replayed.map((f) => f.seq)).toEqual([...Array(replayed.length).keys()])
    expect(replayed.length).toBeGreaterThanOrEqual(seen.length)
    expect(fake.answerFor(question).startsWith(text(replay))).toBe(true)
    expect(replay.at(-1)).toMatchObject({ type: 'error', code: 'answer_interrupted', messageId: 'x-kill' })
    second.close()
  })

  it('two devices on two instances see the same frames, and history written on A is used on B', async () => {
    const [a, b] = await Promise.all([instance(), instance()])
    const laptop = await connect(a.ws)
    const phone = await connect(b.ws)
    phone.send({ type: 'subscribe', conversationId: 'two-devices' })
    await phone.next((f) => f.type === 'subscribed')
    laptop.send({ type: 'chat', content: 'asked on the laptop', conversationId: 'two-devices', messageId: 'dev-1' })
    const [onLaptop, onPhone] = await Promise.all([laptop.answer('dev-1'), phone.answer('dev-1')])
    expect(onPhone).toEqual(onLaptop)
    expect(deltaText(onPhone)).toBe(fake.answerFor('asked on the laptop'))
    await phone.next((f) => f.type === 'conversation_updated' && f.change === 'turn')

    phone.send({ type: 'chat', content: 'follow-up on the phone', conversationId: 'two-devices', messageId: 'dev-2' })
    const [fromPhone, seenOnLaptop] = await Promise.all([phone.answer('dev-2'), laptop.answer('dev-2')])
    expect(seenOnLaptop).toEqual(fromPhone)
    const request = fake.requests.find((r) => r.messages.at(-1)?.content === 'follow-up on the phone')!
    // The history (system messages aside: the prompt and the knowledge context) came from instance A.
    expect(request.messages.filter((m) => m.role !== 'system')).toEqual([
      { role: 'user', content: 'asked on the laptop' },
      { role: 'assistant', content: fake.answerFor('asked on the laptop') },
      { role: 'user', content: 'follow-up on the phone' },
    ])
    laptop.close()
    phone.close()
  })

  it('busy and cancel hold across instances', async () => {
    const [a, b] = await Promise.all([instance(), instance()])
    const onA = await connect(a.ws)
    const onB = await connect(b.ws)
    onA.send({ type: 'chat', content: '[[delay:30]] [[words:200]] long on A', conversationId: 'shared-busy', messageId: 'busy-1' })
    await onA.next((f) => f.type === 'chat_delta')
    onB.send({ type: 'chat', content: 'meanwhile on B', conversationId: 'shared-busy', messageId: 'busy-2' })
    expect(await onB.next((f) => f.messageId === 'busy-2')).toMatchObject({ type: 'error', code: 'busy' })
    onB.send({ type: 'cancel', messageId: 'busy-1' })
    const frames = await onA.answer('busy-1')
    expect(frames.at(-1)).toMatchObject({ type: 'chat_complete', metadata: { finishReason: 'cancelled' } })
    onB.send({ type: 'chat', content: 'now on B', conversationId: 'shared-busy', messageId: 'busy-3' })
    expect((await onB.answer('busy-3')).at(-1)!.type).toBe('chat_complete')
    onA.close()
    onB.close()
  })

  it('SSE: a POST cut on A resumes on B with Last-Event-ID', async () => {
    const [a, b] = await Promise.all([instance(), instance()])
    const question = '[[delay:20]] [[words:40]] sse across instances'
    const { seen, lastEventId: lastId } = await postChatAndDrop(a.http, { content: question, messageId: 'sse-x' }, 5)
    const resumed = await fetch(`${b.http}/api/playground/assistant/chat/sse-x`, { headers: { 'last-event-id': lastId } })
    expect(resumed.status).toBe(200)
    const rest = (await collectSse(resumed)).map((e) => e.frame)
    expect(rest[0]).toMatchObject({ type: 'chat_delta', seq: Number(lastId) + 1 })
    expect(seen.join('') + text(rest)).toBe(fake.answerFor(question))
    expect(rest.at(-1)!.type).toBe('chat_complete')
  })

  it('rate limits hold across instances', async () => {
    const limits = { RATE_LIMIT_CHATS_PER_MINUTE: '2', RATE_LIMIT_SOCKETS_PER_USER: '2' }
    const [a, b] = await Promise.all([instance(limits), instance(limits)])
    const onA = await connect(a.ws)
    const onB = await connect(b.ws)
    expect(await upgradeStatus(a.ws)).toBe(429) // two sockets from this address are open, one on each instance
    onA.send({ type: 'chat', content: 'limit one', messageId: 'l-1', conversationId: 'l-1' })
    await onA.answer('l-1')
    onB.send({ type: 'chat', content: 'limit two', messageId: 'l-2', conversationId: 'l-2' })
    await onB.answer('l-2')
    onA.send({ type: 'chat', content: 'limit three', messageId: 'l-3', conversationId: 'l-3' })
    expect(await onA.next((f) => f.messageId === 'l-3')).toMatchObject({ type: 'error', code: 'rate_limited' })
    onA.close()
    onB.close()
  })

  it('Redis stopped under traffic: degraded, new answers refused clearly, nothing stored lost, recovery when it returns', async () => {
    const a = await instance()
    const socket = await connect(a.ws)
    socket.send({ type: 'chat', content: 'stored before the outage', conversationId: 'outage', messageId: 'o-1' })
    await socket.answer('o-1')
    await redis.kill()
    await expect.poll(async () => ((await (await fetch(`${a.http}/health`)).json()) as { status: string }).status, { timeout: 10_000 }).toBe('degraded')
    socket.send({ type: 'chat', content: 'during the outage', conversationId: 'outage-2', messageId: 'o-2' })
    const refused = await socket.next((f) => f.messageId === 'o-2', 10_000)
    expect(refused).toMatchObject({ type: 'error', code: 'unavailable' })
    socket.send({ type: 'ping' })
    await socket.next((f) => f.type === 'pong')
    await redis.restart()
    await expect.poll(async () => ((await (await fetch(`${a.http}/health`)).json()) as { status: string }).status, { timeout: 15_000 }).toBe('healthy')
    const history = (await (await fetch(`${a.http}/api/conversations/outage`)).json()) as { messages: unknown[] }
    expect(history.messages).toEqual([
      { role: 'user', content: 'stored before the outage' },
      { role: 'assistant', content: fake.answerFor('stored before the outage') },
    ])
    socket.send({ type: 'chat', content: 'after the outage', conversationId: 'outage', messageId: 'o-3' })
    expect((await socket.answer('o-3')).at(-1)!.type).toBe('chat_complete')
    socket.close()
  })

  it('refuses to start with one clear line when Redis is unreachable', async () => {
    const { code, stderr } = await runToFailure({ REDIS_URL: 'redis://:hunter2-password@127.0.0.1:1' })
    expect(code).toBe(1)
    const lines = stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect((JSON.parse(lines[0]!) as { message: string }).message).toMatch(/Cannot reach Redis at redis:\/\/127\.0\.0\.1:1 .*check REDIS_URL/)
    expect(stderr).not.toContain('hunter2')
  })
})
