/** Offline mode end to end: no key, the knowledge base answers over WebSocket and SSE with the same protocol. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CompleteMetadata, ServerFrame } from '../src/protocol/frames.js'
import { startTestServer, type TestServer } from './support/server.js'
import { collectSse, postChat } from './support/sse-client.js'
import { connect, deltaText } from './support/ws-client.js'

let srv: TestServer
beforeAll(async () => {
  srv = await startTestServer({})
})
afterAll(async () => {
  await srv.close()
})

const metadataOf = (frames: ServerFrame[]) => frames.at(-1)!.metadata as CompleteMetadata

describe('offline answers (no model configured)', () => {
  it('over WebSocket: the notice first, then the matching guide with its example, its sources and a clean API check', async () => {
    const socket = await connect(srv.ws)
    socket.send({ type: 'chat', content: 'my transfer fails with TOKEN_NOT_ASSOCIATED_TO_ACCOUNT', messageId: 'off-1' })
    const frames = await socket.answer('off-1')
    expect(frames[0]).toMatchObject({ type: 'chat_start', messageId: 'off-1', metadata: { model: 'offline-knowledge-base' } })
    const deltas = frames.filter((f) => f.type === 'chat_delta')
    // Streamed in pieces; deltas of one tick are coalesced (DELTA_COALESCE_MS), the first goes out alone at once.
    expect(deltas.length).toBeGreaterThan(1)
    expect(deltas.map((d) => d.seq)).toEqual(deltas.map((_, i) => i))
    const text = deltaText(frames)
    expect(deltas[0]!.content).toMatch(/^> \*\*No language model is configured\*\*.*`OPENAI_API_KEY`.*`LLM_PROVIDER/)
    expect(text).toContain('TokenAssociateTransaction')
    expect(text).toMatch(/```ts\n[\s\S]*from '@hiero-ledger\/sdk'[\s\S]*```/)
    const metadata = metadataOf(frames)
    expect(metadata).toMatchObject({ model: 'offline-knowledge-base', finishReason: 'stop', usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } })
    expect(metadata.usageEstimated).toBeUndefined()
    expect(metadata.sources![0]).toEqual({ id: expect.any(String) as string, title: expect.any(String) as string, kind: 'guide', sdk: '@hiero-ledger/sdk 2.87.0' })
    expect(metadata.sources!.map((s) => s.id)).toContain('token-associate')
    expect(metadata.apiCheck!.checked).toBeGreaterThan(0)
    expect(metadata.apiCheck!.unknown).toEqual([])
    socket.close()
  })

  it('over SSE: the same answer, event by event', async () => {
    const res = await postChat(srv.http, { content: 'my transfer fails with TOKEN_NOT_ASSOCIATED_TO_ACCOUNT', messageId: 'off-sse' })
    expect(res.status).toBe(200)
    const events = await collectSse(res)
    expect(events[0]!.frame.metadata).toEqual({ model: 'offline-knowledge-base' })
    const last = events.at(-1)!.frame
    expect(last.type).toBe('chat_complete')
    expect((last.metadata as CompleteMetadata).sources!.map((s) => s.id)).toContain('token-associate')
    const text = events.filter((e) => e.event === 'chat_delta').map((e) => e.frame.content).join('')
    expect(text).toContain('TokenAssociateTransaction')
  })

  it('a follow-up is answered with the conversation in mind', async () => {
    const socket = await connect(srv.ws)
    socket.send({ type: 'chat', content: 'how do I set up the operator for testnet', messageId: 'f-1', conversationId: 'conv-follow' })
    await socket.answer('f-1')
    socket.send({ type: 'chat', content: 'and how do I close it when done?', messageId: 'f-2', conversationId: 'conv-follow' })
    const frames = await socket.answer('f-2')
    expect(metadataOf(frames).sources!.map((s) => s.id)).toContain('client-setup')
    socket.close()
  })

  it('a question with nothing to match gets a helpful answer, never an empty stream', async () => {
    const socket = await connect(srv.ws)
    socket.send({ type: 'chat', content: 'zxqv plorf wibble', messageId: 'off-none' })
    const frames = await socket.answer('off-none')
    const text = deltaText(frames)
    expect(text).toMatch(/^> \*\*No language model is configured\*\*/)
    expect(text).toContain('I found nothing in the knowledge base')
    expect(text).toContain('The guides cover')
    expect(text).toMatch(/set `OPENAI_API_KEY`/)
    expect(metadataOf(frames).sources).toEqual([])
    socket.close()
  })

  it('empty and oversized questions get the usual errors, and the socket keeps working', async () => {
    const socket = await connect(srv.ws)
    socket.send({ type: 'chat', content: '' })
    expect(await socket.next((f) => f.type === 'error')).toMatchObject({ code: 'invalid_message' })
    socket.send({ type: 'chat', content: 'x'.repeat(srv.config.limits.maxContentChars + 1) })
    expect(await socket.next((f) => f.type === 'error')).toMatchObject({ code: 'invalid_message' })
    socket.send({ type: 'chat', content: 'associate a token', messageId: 'after-bad' })
    expect((await socket.answer('after-bad')).at(-1)!.type).toBe('chat_complete')
    socket.close()
  })

  it('GET /api/info says who answers, so a page can show an offline banner', async () => {
    const info = (await (await fetch(`${srv.http}/api/info`)).json()) as { llm: unknown; endpoints: Record<string, string> }
    expect(info.llm).toEqual({ provider: 'offline', model: 'offline-knowledge-base' })
    expect(info.endpoints.knowledgeSearch).toBe('GET /api/knowledge/search?q=')
  })

  it('the answer log line names the offline model', () => {
    expect(srv.logs.some((l) => l.event === 'answer' && l.model === 'offline-knowledge-base')).toBe(true)
  })
})
