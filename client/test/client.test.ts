/** The client against the real server: cancel, heartbeat, close codes (1012, 4001, 1009), subscribe, REST helpers. */
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { startFakeOpenAi, type FakeOpenAi } from '../../app/test/support/fake-openai.js'
import { startTestServer, upstreamEnv, type TestServer } from '../../app/test/support/server.js'
import { ApiError, AskError, connect, type AskEvent, type Client, type ConnectionEvent, type ConnectOptions } from '../src/index.js'
import { startCuttingProxy, seededRandom, type CuttingProxy } from './support/cutting-proxy.js'

const API_TOKEN = 'tok_client_test_0123456789'
const JWT_SECRET = 'a-client-test-hs256-secret-long-enough-for-jose'

let fake: FakeOpenAi
let api: TestServer
let authed: TestServer
let proxy: CuttingProxy
const clients: Client[] = []

beforeAll(async () => {
  fake = await startFakeOpenAi()
  api = await startTestServer(upstreamEnv(fake.url, { RESUME_GRACE_MS: '30000', WS_MAX_PAYLOAD_BYTES: '4096' }))
  authed = await startTestServer(upstreamEnv(fake.url, { AUTH_MODE: 'token', API_TOKENS: API_TOKEN }))
  proxy = await startCuttingProxy(api.server.port, seededRandom(7))
})

afterAll(async () => {
  for (const client of clients) client.close()
  await proxy?.close()
  await Promise.all([api?.close(), authed?.close()])
  await fake?.close()
})

function open(options: Partial<ConnectOptions> & { url: string }): Client {
  const client = connect({ WebSocket, reconnect: { initialDelayMs: 10, maxDelayMs: 100 }, ...options })
  clients.push(client)
  return client
}

/** Resolves with the first connection event that matches (registered before the action that causes it). */
function nextEvent(client: Client, match: (e: ConnectionEvent) => boolean): Promise<ConnectionEvent> {
  return new Promise((resolve) => {
    const off = client.on((event) => {
      if (!match(event)) return
      off()
      resolve(event)
    })
  })
}

async function collect(events: AsyncIterable<AskEvent>, onEvent?: (e: AskEvent) => void): Promise<AskEvent[]> {
  const out: AskEvent[] = []
  for await (const event of events) {
    out.push(event)
    onEvent?.(event)
  }
  return out
}

const upstreamFor = (question: string) => fake.requests.filter((r) => r.messages.at(-1)?.content === question)

describe('the client against the real server', () => {
  it('streams an answer: start, deltas, complete with usage; text resolves to the whole answer', async () => {
    const client = open({ url: api.ws })
    const question = 'How do I create an account with the client library?'
    const ask = client.ask(question)
    const events = await collect(ask)
    expect(events[0]).toMatchObject({ type: 'start', messageId: ask.messageId, model: 'gpt-4o' })
    const complete = events.at(-1)
    expect(complete).toMatchObject({ type: 'complete', metadata: { finishReason: 'stop' } })
    expect(complete?.type === 'complete' && complete.metadata.usage.totalTokens).toBeGreaterThan(0)
    expect(await ask.text).toBe(fake.answerFor(question))
  })

  it('metadata carries the editor state in the chat frame: the model sees the mode, the file and the run output', async () => {
    const client = open({ url: api.ws })
    const question = 'Review my file for the metadata pass-through test'
    const code = 'const client = Client.forTestnet()\nconst metadataPassThroughMarker = 42'
    const ask = client.ask(question, { metadata: { type: 'code-review', language: 'typescript', currentLine: 2, code, output: 'INVALID_SIGNATURE at line 2' } })
    await ask.text
    const sent = fake.requests.find((r) => r.messages.at(-1)?.content?.endsWith(`My question: ${question}`))
    const user = sent?.messages.at(-1)?.content ?? ''
    expect(user).toContain('Mode: code-review. Language: typescript.')
    expect(user).toMatch(/>> 2 \| const metadataPassThroughMarker = 42/)
    expect(user).toContain('INVALID_SIGNATURE at line 2')
  })

  it('AbortSignal sends cancel: the upstream request is aborted and the answer completes as cancelled', async () => {
    const client = open({ url: api.ws })
    const question = '[[delay:30]] [[words:200]] a long answer to stop'
    const controller = new AbortController()
    const ask = client.ask(question, { signal: controller.signal })
    const events = await collect(ask, (e) => {
      if (e.type === 'delta' && e.seq === 2) controller.abort()
    })
    await fake.whenAborted((r) => r.messages.at(-1)?.content === question)
    const complete = events.at(-1)
    expect(complete).toMatchObject({ type: 'complete', metadata: { finishReason: 'cancelled' } })
    const deltas = events.filter((e) => e.type === 'delta')
    expect(deltas.length).toBeLessThan(fake.chunksFor(question).length)
    expect(await ask.text).toBe(deltas.map((d) => d.content).join(''))
  })

  it('gives up a silent connection after the heartbeat timeout and resumes the answer on a new one', async () => {
    proxy.setCutRange(undefined)
    const client = open({ url: `ws://127.0.0.1:${proxy.port}/ws/chat`, heartbeatIntervalMs: 100, heartbeatTimeoutMs: 300 })
    const question = '[[delay:10]] [[words:60]] an answer through a stalled network'
    const ask = client.ask(question)
    const gaveUp = nextEvent(client, (e) => e.type === 'closed' && e.reason === 'heartbeat timeout')
    const events = await collect(ask, (e) => {
      if (e.type === 'delta' && e.seq === 3) proxy.stall()
    })
    await gaveUp
    expect(events.some((e) => e.type === 'resumed')).toBe(true)
    expect(await ask.text).toBe(fake.answerFor(question))
    expect(upstreamFor(question)).toHaveLength(1)
  })

  it('1009 (a frame over the limit) is an error, not a retry; the next ask connects again', async () => {
    const client = open({ url: api.ws })
    await client.ready()
    const events: ConnectionEvent[] = []
    client.on((e) => events.push(e))
    const big = client.ask('x'.repeat(5000))
    await expect(big.text).rejects.toMatchObject({ name: 'AskError', code: 'payload_too_large' })
    expect(events.map((e) => e.type)).toEqual(['closed', 'failed'])
    expect(events[1]).toMatchObject({ code: 1009 })
    const question = 'a normal question after a refused one'
    expect(await client.ask(question).text).toBe(fake.answerFor(question))
  })

  it('1008 (a client that kept flooding) is an error for every answer in flight, not a retry', async () => {
    const strict = await startTestServer(upstreamEnv(fake.url, { WS_MAX_MESSAGES_PER_SECOND: '1' }))
    const client = open({ url: strict.ws })
    try {
      await client.ready()
      const events: ConnectionEvent[] = []
      client.on((e) => events.push(e))
      const failed = nextEvent(client, (e) => e.type === 'failed')
      // One message a second (bursts of two) are allowed; forty questions at once are a flood.
      const asks = Array.from({ length: 40 }, (_, i) => client.ask(`[[delay:50]] flood question ${i}`))
      expect(await failed).toMatchObject({ type: 'failed', code: 1008 })
      const outcomes = await Promise.all(asks.map((a) => a.text.then(() => 'answered', (e: AskError) => e.code)))
      expect(outcomes.filter((o) => o === 'policy_violation').length).toBeGreaterThan(30)
      expect(events.some((e) => e.type === 'error' && e.code === 'rate_limited')).toBe(true)
      expect(events.filter((e) => e.type === 'reconnecting')).toEqual([])
    } finally {
      client.close()
      await strict.close()
    }
  })

  it('1012 (server restart) reconnects at once, without backoff', async () => {
    const lone = await startTestServer(upstreamEnv(fake.url))
    const client = open({ url: lone.ws, reconnect: { initialDelayMs: 5000, maxDelayMs: 5000 } })
    await client.ready()
    const reconnecting = nextEvent(client, (e) => e.type === 'reconnecting')
    await lone.close()
    expect(await reconnecting).toEqual({ type: 'reconnecting', attempt: 1, delayMs: 0, code: 1012 })
    client.close()
  })

  it('4001 (credential expired) calls getToken and reconnects with the fresh token', async () => {
    const jwt = await startTestServer(upstreamEnv(fake.url, { AUTH_MODE: 'jwt', JWT_SECRET, RESUME_GRACE_MS: '30000' }))
    const sign = (expiresIn: string) => new SignJWT({ sub: 'user-4001' }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(expiresIn).sign(new TextEncoder().encode(JWT_SECRET))
    let refreshed = 0
    const client = open({
      url: jwt.ws,
      token: await sign('1s'),
      getToken: async () => {
        refreshed++
        return sign('1h')
      },
    })
    try {
      await client.ready()
      const expired = nextEvent(client, (e) => e.type === 'closed' && e.code === 4001)
      const reopened = nextEvent(client, (e) => e.type === 'open' && e.reconnected)
      await expired
      await reopened
      expect(refreshed).toBe(1)
      const question = 'asked with the refreshed token'
      expect(await client.ask(question).text).toBe(fake.answerFor(question))
    } finally {
      client.close()
      await jwt.close()
    }
  })

  it('4001 without getToken fails the answers in flight with a sentence saying what to do', async () => {
    const jwt = await startTestServer(upstreamEnv(fake.url, { AUTH_MODE: 'jwt', JWT_SECRET, RESUME_GRACE_MS: '30000' }))
    const token = await new SignJWT({ sub: 'user-nogettoken' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1s').sign(new TextEncoder().encode(JWT_SECRET))
    const client = open({ url: jwt.ws, token })
    try {
      const ask = client.ask('[[delay:100]] [[words:100]] outlives its token')
      const error = await ask.text.catch((e: unknown) => e)
      expect(error).toBeInstanceOf(AskError)
      expect(error).toMatchObject({ code: 'unauthorized' })
      expect((error as AskError).message).toMatch(/getToken/)
    } finally {
      client.close()
      await jwt.close()
    }
  })

  it('subscribe(conversationId) delivers the answers another client starts in that conversation', async () => {
    const asker = open({ url: api.ws })
    const watcher = open({ url: api.ws })
    const first = asker.ask('first question of a shared conversation')
    const start = (await collect(first)).find((e) => e.type === 'start')
    const conversationId = start?.type === 'start' ? start.conversationId : ''
    expect(conversationId).not.toBe('')
    const subscription = watcher.subscribe(conversationId)
    const frames = subscription[Symbol.asyncIterator]()
    expect((await frames.next()).value).toMatchObject({ type: 'subscribed', conversationId })
    const question = 'second question, watched from another tab'
    const second = asker.ask(question, { conversationId })
    const seen: string[] = []
    let text = ''
    for (let r = await frames.next(); !r.done; r = await frames.next()) {
      seen.push(r.value.type)
      if (r.value.type === 'chat_delta') text += r.value.content
      if (r.value.type === 'chat_complete') break
    }
    expect(seen[0]).toBe('chat_start')
    expect(text).toBe(fake.answerFor(question))
    expect(await second.text).toBe(text)
    subscription.unsubscribe()
  })

  it('lists, reads, renames and deletes conversations over REST with the same token', async () => {
    const client = open({ url: authed.ws, token: API_TOKEN })
    const question = 'a conversation to list over REST'
    const ask = client.ask(question)
    const complete = (await collect(ask)).at(-1)
    expect(complete?.type).toBe('complete')
    const conversationId = complete?.type === 'complete' ? complete.conversationId : ''
    const listed = await client.conversations.list()
    expect(listed.map((c) => c.conversationId)).toContain(conversationId)
    const read = await client.conversations.get(conversationId)
    expect(read.messages).toEqual([
      { role: 'user', content: question },
      { role: 'assistant', content: fake.answerFor(question) },
    ])
    expect(await client.conversations.rename(conversationId, 'Renamed over REST')).toEqual({ conversationId, title: 'Renamed over REST' })
    expect((await client.conversations.list()).find((c) => c.conversationId === conversationId)?.title).toBe('Renamed over REST')
    await client.conversations.remove(conversationId)
    const gone = await client.conversations.get(conversationId).catch((e: unknown) => e)
    expect(gone).toBeInstanceOf(ApiError)
    expect(gone).toMatchObject({ status: 404, code: 'not_found' })
    const anonymous = open({ url: api.ws })
    const refused = await anonymous.conversations.list().catch((e: unknown) => e)
    expect(refused).toMatchObject({ status: 401, code: 'unauthorized' })
    expect((refused as ApiError).message).toMatch(/signed-in user/)
  })
})
