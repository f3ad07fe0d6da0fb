/** A real browser (headless Chromium) against the real server: native WebSocket, fetch + SSE, EventSource, CORS. */
import { existsSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerFrame } from '../src/protocol/frames.js'
import { CHROMIUM, inPage, launchChromium, startPageServer, type EventSourceResult, type FetchResult, type PageServer, type WsResult } from './support/browser.js'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'
import { connect } from './support/ws-client.js'

const API_TOKEN = 'tok_browser_0123456789abcdef'
const CHAT = '/api/playground/assistant/chat'

let fake: FakeOpenAi
let api: TestServer
let authed: TestServer
let strict: TestServer
let pages: PageServer
let browser: Browser | undefined
let page: Page

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing; run bash scripts/tools/chromium.sh (npm test does)`)
  fake = await startFakeOpenAi()
  api = await startTestServer(upstreamEnv(fake.url, { RESUME_GRACE_MS: '30000' }))
  authed = await startTestServer(upstreamEnv(fake.url, { AUTH_MODE: 'token', API_TOKENS: API_TOKEN }))
  strict = await startTestServer(upstreamEnv(fake.url, { CORS_ORIGINS: 'https://app.example.com' }))
  pages = await startPageServer()
  browser = await launchChromium()
  page = await browser.newPage()
  await page.goto(`${pages.origin}/`)
})

afterAll(async () => {
  await browser?.close()
  await Promise.all([pages?.close(), api?.close(), authed?.close(), strict?.close()])
  await fake?.close()
})

const deltasOf = (frames: ServerFrame[]) => frames.filter((f) => f.type === 'chat_delta')
const upstreamRequestsFor = (question: string) => fake.requests.filter((r) => r.messages.at(-1)?.content === question)

describe('headless Chromium against the real server', () => {
  it('serves the page from its own origin (another port than the API)', async () => {
    expect(await page.evaluate('location.origin')).toBe(pages.origin)
    expect(pages.origin).not.toBe(api.http)
  })

  it("streams a whole answer over the browser's native WebSocket, seq 0..n-1", async () => {
    const question = 'How do I create an HCS topic from a browser?'
    const result = await inPage<WsResult>(page, 'ws', { url: api.ws, send: [{ type: 'chat', content: question, messageId: 'br-ws-1' }], messageId: 'br-ws-1', timeoutMs: 10_000 })
    expect(result).toMatchObject({ opened: true, timedOut: false, errored: false })
    const frames = result.frames.filter((f) => f.messageId === 'br-ws-1')
    expect(frames[0]).toMatchObject({ type: 'chat_start', metadata: { model: 'gpt-4o' } })
    expect(frames.at(-1)).toMatchObject({ type: 'chat_complete', metadata: { finishReason: 'stop' } })
    const deltas = deltasOf(frames)
    expect(deltas.map((d) => d.seq)).toEqual(deltas.map((_, i) => i))
    expect(deltas.map((d) => d.content).join('')).toBe(fake.answerFor(question))
    expect(new Set(frames.map((f) => f.conversationId)).size).toBe(1)
  })

  describe('AUTH_MODE=token', () => {
    it("opens new WebSocket(url, ['bearer', token]) with protocol 'bearer' and answers on it", async () => {
      const question = 'authenticated browser question'
      const result = await inPage<WsResult>(page, 'ws', {
        url: authed.ws,
        protocols: ['bearer', API_TOKEN],
        send: [{ type: 'chat', content: question, messageId: 'br-auth-1' }],
        messageId: 'br-auth-1',
        timeoutMs: 10_000,
      })
      expect(result).toMatchObject({ opened: true, protocol: 'bearer', errored: false, timedOut: false })
      expect(deltasOf(result.frames).map((d) => d.content).join('')).toBe(fake.answerFor(question))
      expect(result.frames.at(-1)!.type).toBe('chat_complete')
    })

    it('fails the handshake for a wrong token or none: onerror and onclose 1006, never onopen', async () => {
      for (const protocols of [['bearer', 'tok_wrong_0123456789abcdef'], undefined]) {
        const result = await inPage<WsResult>(page, 'ws', { url: authed.ws, protocols, send: [], timeoutMs: 10_000 })
        expect(result).toMatchObject({ opened: false, errored: true, closeCode: 1006, timedOut: false })
      }
      expect(authed.server.connections.size).toBe(0)
      expect(authed.rawLogs.join('\n')).not.toContain(API_TOKEN)
    })

    it('lets the page send Authorization on the SSE POST (CORS preflight allows the header)', async () => {
      const question = 'authenticated sse from a page'
      const ok = await inPage<FetchResult>(page, 'fetchChat', { url: `${authed.http}${CHAT}`, body: { content: question }, headers: { authorization: `Bearer ${API_TOKEN}` }, timeoutMs: 10_000 })
      expect(ok).toMatchObject({ status: 200, error: null })
      expect(deltasOf(ok.events.map((e) => e.frame)).map((d) => d.content).join('')).toBe(fake.answerFor(question))
      const refused = await inPage<FetchResult>(page, 'fetchChat', { url: `${authed.http}${CHAT}`, body: { content: question }, timeoutMs: 10_000 })
      expect(refused.status).toBe(401) // readable: CORS headers are on refusals too
    })
  })

  describe('fetch + ReadableStream over SSE, and CORS', () => {
    it('reads a whole answer as it streams, from an allowed origin', async () => {
      const question = 'How do I transfer HBAR with fetch?'
      const result = await inPage<FetchResult>(page, 'fetchChat', { url: `${api.http}${CHAT}`, body: { content: question, messageId: 'br-sse-1' }, timeoutMs: 10_000 })
      // The page can read the exposed id header, not only the chat_start frame.
      expect(result).toMatchObject({ status: 200, error: null, messageId: 'br-sse-1' })
      expect(result.events[0]).toMatchObject({ event: 'chat_start', frame: { type: 'chat_start', messageId: 'br-sse-1' } })
      const deltas = result.events.filter((e) => e.event === 'chat_delta')
      expect(deltas.every((e) => e.id === String(e.frame.seq))).toBe(true)
      expect(deltas.map((e) => e.frame.seq)).toEqual(deltas.map((_, i) => i))
      expect(deltas.map((e) => e.frame.content).join('')).toBe(fake.answerFor(question))
      expect(result.events.at(-1)).toMatchObject({ event: 'chat_complete', frame: { metadata: { finishReason: 'stop' } } })
    })

    it('cannot read a response or open a socket from an origin outside CORS_ORIGINS', async () => {
      const question = 'a question from a foreign origin'
      const fetched = await inPage<FetchResult>(page, 'fetchChat', { url: `${strict.http}${CHAT}`, body: { content: question }, timeoutMs: 10_000 })
      expect(fetched.status).toBe(0)
      expect(fetched.error).toMatchObject({ name: 'TypeError' })
      expect(upstreamRequestsFor(question)).toHaveLength(0) // the preflight failed, so the POST was never sent

      const socket = await inPage<WsResult>(page, 'ws', { url: strict.ws, send: [], timeoutMs: 10_000 })
      expect(socket).toMatchObject({ opened: false, errored: true, closeCode: 1006, timedOut: false })
      expect(strict.server.connections.size).toBe(0)

      // Why, as seen from outside the browser: no CORS grant for this Origin, and a 403 before the upgrade.
      const preflight = await fetch(`${strict.http}${CHAT}`, { method: 'OPTIONS', headers: { origin: pages.origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } })
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
      await expect(connect(strict.ws, { headers: { origin: pages.origin } })).rejects.toMatchObject({ status: 403 })
      const listed = await connect(strict.ws, { headers: { origin: 'https://app.example.com' } })
      listed.close()
    })
  })

  it('EventSource resumes an answer a POST started and left: named events, lastEventId = seq, through chat_complete', async () => {
    const question = '[[delay:20]] [[words:40]] resume in the browser with EventSource'
    const started = await inPage<FetchResult>(page, 'fetchChat', { url: `${api.http}${CHAT}`, body: { content: question, messageId: 'br-es-1' }, stopAfterDeltas: 3, timeoutMs: 10_000 })
    expect(started).toMatchObject({ status: 200, error: null })
    const early = deltasOf(started.events.map((e) => e.frame))
    expect(early.length).toBeGreaterThanOrEqual(3)
    expect(early.length).toBeLessThan(fake.chunksFor(question).length) // the POST left mid-answer

    const result = await inPage<EventSourceResult>(page, 'eventSource', { url: `${api.http}${CHAT}/br-es-1`, timeoutMs: 15_000 })
    // 2 = CLOSED by the browser itself: its reconnect after the end (Last-Event-ID: end) got 204.
    expect(result).toMatchObject({ opened: true, timedOut: false, readyState: 2 })
    expect(result.events.at(-1)).toMatchObject({ type: 'chat_complete', lastEventId: 'end' })
    expect(result.events[0]).toMatchObject({ type: 'chat_start', frame: { messageId: 'br-es-1' } })
    expect(result.events.at(-1)).toMatchObject({ type: 'chat_complete', frame: { messageId: 'br-es-1', metadata: { finishReason: 'stop' } } })
    expect(result.events.filter((e) => e.type === 'error')).toHaveLength(0)
    const deltas = result.events.filter((e) => e.type === 'chat_delta')
    expect(deltas.every((e) => e.lastEventId === String(e.frame!.seq))).toBe(true)
    expect(deltas.map((e) => e.frame!.seq)).toEqual(deltas.map((_, i) => i))
    expect(deltas.map((e) => e.frame!.content).join('')).toBe(fake.answerFor(question))
    expect(deltas.slice(0, early.length).map((e) => e.frame!.content)).toEqual(early.map((f) => f.content))
    // Live, not a replay of a finished answer: the rest arrived over time, and it was asked upstream only once.
    expect(deltas.at(-1)!.at - deltas[0]!.at).toBeGreaterThan(300)
    const upstream = upstreamRequestsFor(question)
    expect(upstream).toHaveLength(1)
    expect(upstream[0]!.aborted).toBe(false)
  })
})
