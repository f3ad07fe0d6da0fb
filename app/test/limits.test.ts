import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { postChat } from './support/sse-client.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'
import { connect, upgradeStatus } from './support/ws-client.js'

let fake: FakeOpenAi
beforeAll(async () => {
  fake = await startFakeOpenAi()
})
afterAll(async () => {
  await fake.close()
})

const WINDOW = 1000
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('rate limits refuse at the right count and recover after their window', () => {
  let srv: TestServer
  afterAll(() => srv?.close())

  it('new connections per window, per client IP: 429 with Retry-After on the upgrade', async () => {
    srv = await startTestServer(upstreamEnv(fake.url, { RATE_LIMIT_CONNECTIONS_PER_MINUTE: '3', RATE_LIMIT_WINDOW_MS: String(WINDOW) }))
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push(await upgradeStatus(srv.ws))
    expect(statuses).toEqual([101, 101, 101, 429])
    await wait(WINDOW / 3 + 100)
    expect(await upgradeStatus(srv.ws)).toBe(101) // one token back after a third of the window
    const metrics = await (await fetch(`${srv.http}/metrics`)).text()
    expect(metrics).toMatch(/hpa_rate_limited_total\{limit="connections"\} 1/)
    await srv.close()
  })

  it('chats per window: rate_limited with retryAfter, the socket stays usable, and it recovers', async () => {
    srv = await startTestServer(upstreamEnv(fake.url, { RATE_LIMIT_CHATS_PER_MINUTE: '2', RATE_LIMIT_WINDOW_MS: String(WINDOW) }))
    const socket = await connect(srv.ws)
    for (const id of ['r1', 'r2']) {
      socket.send({ type: 'chat', content: `q ${id}`, messageId: id })
      expect((await socket.answer(id)).at(-1)!.type).toBe('chat_complete')
    }
    socket.send({ type: 'chat', content: 'q r3', messageId: 'r3' })
    const refused = await socket.next((f) => f.messageId === 'r3')
    expect(refused).toMatchObject({ type: 'error', code: 'rate_limited' })
    expect(refused.retryAfter).toBeGreaterThanOrEqual(1)
    const sse = await postChat(srv.http, { content: 'over sse' })
    expect(sse.status).toBe(429)
    expect(Number(sse.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    await wait(WINDOW / 2 + 100)
    socket.send({ type: 'chat', content: 'q r4', messageId: 'r4' })
    expect((await socket.answer('r4')).at(-1)!.type).toBe('chat_complete')
    socket.close()
    await srv.close()
  })

  it('concurrent answers per user: the next one is refused until one finishes', async () => {
    srv = await startTestServer(upstreamEnv(fake.url, { RATE_LIMIT_CONCURRENT_ANSWERS: '2' }))
    const socket = await connect(srv.ws)
    socket.send({ type: 'chat', content: '[[delay:20]] [[words:20]] a', messageId: 'c1', conversationId: 'ca' })
    socket.send({ type: 'chat', content: '[[delay:20]] [[words:20]] b', messageId: 'c2', conversationId: 'cb' })
    socket.send({ type: 'chat', content: 'c', messageId: 'c3', conversationId: 'cc' })
    expect(await socket.next((f) => f.messageId === 'c3')).toMatchObject({ type: 'error', code: 'rate_limited' })
    await socket.answer('c1')
    await socket.answer('c2')
    socket.send({ type: 'chat', content: 'c again', messageId: 'c4', conversationId: 'cc' })
    expect((await socket.answer('c4')).at(-1)!.type).toBe('chat_complete')
    socket.close()
    await srv.close()
  })

  it('open sockets per user: the next upgrade is refused until one closes', async () => {
    srv = await startTestServer(upstreamEnv(fake.url, { RATE_LIMIT_SOCKETS_PER_USER: '2' }))
    const a = await connect(srv.ws)
    const b = await connect(srv.ws)
    expect(await upgradeStatus(srv.ws)).toBe(429)
    a.close()
    await a.closed
    await expect.poll(() => upgradeStatus(srv.ws)).toBe(101)
    b.close()
    await srv.close()
  })

  it('counts anonymous clients by X-Forwarded-For only through the trusted hops', async () => {
    srv = await startTestServer(upstreamEnv(fake.url, { RATE_LIMIT_CONNECTIONS_PER_MINUTE: '1', RATE_LIMIT_WINDOW_MS: '60000', TRUSTED_PROXY_HOPS: '1' }))
    // The proxy appends the real client last; whatever the client wrote before it is ignored.
    expect(await upgradeStatus(srv.ws, { headers: { 'x-forwarded-for': 'spoofed, 203.0.113.1' } })).toBe(101)
    expect(await upgradeStatus(srv.ws, { headers: { 'x-forwarded-for': 'other-spoof, 203.0.113.1' } })).toBe(429)
    expect(await upgradeStatus(srv.ws, { headers: { 'x-forwarded-for': '203.0.113.2' } })).toBe(101)
    await srv.close()
    const direct = await startTestServer(upstreamEnv(fake.url, { RATE_LIMIT_CONNECTIONS_PER_MINUTE: '1', RATE_LIMIT_WINDOW_MS: '60000' }))
    expect(await upgradeStatus(direct.ws, { headers: { 'x-forwarded-for': '203.0.113.1' } })).toBe(101)
    expect(await upgradeStatus(direct.ws, { headers: { 'x-forwarded-for': '203.0.113.2' } })).toBe(429) // 0 hops: the header is not believed
    await direct.close()
  })
})

describe('daily spend cap', () => {
  it('counts the usage the upstream reports and refuses new answers once spent, with retryAfter to midnight UTC', async () => {
    // Without the knowledge context the prompt stays small, so 400 tokens last several answers.
    const srv = await startTestServer(upstreamEnv(fake.url, { DAILY_TOKEN_LIMIT: '400', KNOWLEDGE_ENABLED: 'false' }))
    const socket = await connect(srv.ws)
    let spent = 0
    let n = 0
    while (spent < 400) {
      const id = `spend-${n++}`
      socket.send({ type: 'chat', content: `spend ${id}`, messageId: id, conversationId: id })
      const frames = await socket.answer(id)
      const complete = frames.at(-1)!
      expect(complete.type).toBe('chat_complete')
      spent += (complete.metadata as { usage: { totalTokens: number } }).usage.totalTokens
    }
    expect(n).toBeGreaterThan(1)
    socket.send({ type: 'chat', content: 'one more', messageId: 'spend-over', conversationId: 'x' })
    const refused = await socket.next((f) => f.messageId === 'spend-over')
    expect(refused).toMatchObject({ type: 'error', code: 'rate_limited' })
    expect(refused.error).toMatch(/daily token budget/)
    expect(refused.retryAfter).toBeGreaterThan(0)
    expect(refused.retryAfter).toBeLessThanOrEqual(86_400)
    const metrics = await (await fetch(`${srv.http}/metrics`)).text()
    expect(metrics).toMatch(/hpa_rate_limited_total\{limit="daily_tokens"\} 1/)
    socket.close()
    await srv.close()
  })
})

describe('metrics follow the traffic', () => {
  it('counts sockets, answers, tokens, errors, rejected frames and first-token latency', async () => {
    const srv = await startTestServer(upstreamEnv(fake.url, { HEARTBEAT_INTERVAL_MS: '200' }))
    const read = async () => (await (await fetch(`${srv.http}/metrics`)).text())
    const value = (text: string, series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, (m) => `\\${m}`)} (\\S+)$`, 'm').exec(text)?.[1] ?? 0)
    const before = await read()
    expect(value(before, 'hpa_open_sockets')).toBe(0)
    const socket = await connect(srv.ws)
    const silent = await connect(srv.ws, { autoPong: false })
    socket.send({ type: 'chat', content: 'metered', messageId: 'met-1' })
    await socket.answer('met-1')
    socket.send({ type: 'chat', content: '[[mode:http500]] broken', messageId: 'met-2' })
    await socket.answer('met-2')
    socket.send('not json')
    await socket.next((f) => f.type === 'error' && !f.messageId)
    await silent.closed
    const after = await read()
    expect(value(after, 'hpa_open_sockets')).toBe(1)
    expect(value(after, 'hpa_answers_total{outcome="completed"}')).toBe(1)
    expect(value(after, 'hpa_answers_total{outcome="failed"}')).toBe(1)
    expect(value(after, 'hpa_upstream_errors_total{code="upstream_error"}')).toBe(1)
    expect(value(after, 'hpa_tokens_total{kind="completion"}')).toBe(fake.chunksFor('metered').length)
    expect(value(after, 'hpa_frames_rejected_total{reason="invalid"}')).toBe(1)
    expect(value(after, 'hpa_heartbeat_terminations_total')).toBe(1)
    expect(value(after, 'hpa_time_to_first_token_seconds_count')).toBe(1)
    expect(value(after, 'hpa_answer_duration_seconds_count')).toBe(2)
    expect(after).toMatch(/^nodejs_eventloop_lag_seconds /m)
    socket.close()
    await srv.close()
  })
})
