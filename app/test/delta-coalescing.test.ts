import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerFrame } from '../src/protocol/frames.js'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'
import { connect, deltaText } from './support/ws-client.js'

let fake: FakeOpenAi
let coalescing: TestServer
let perToken: TestServer

beforeAll(async () => {
  fake = await startFakeOpenAi()
  ;[coalescing, perToken] = await Promise.all([startTestServer(upstreamEnv(fake.url)), startTestServer(upstreamEnv(fake.url, { DELTA_COALESCE_MS: '0' }))])
})
afterAll(async () => {
  await Promise.all([coalescing.close(), perToken.close()])
  await fake.close()
})

const deltas = (frames: ServerFrame[]) => frames.filter((f) => f.type === 'chat_delta')

describe('tokens become chat_delta frames', () => {
  // The fake writes all 202 chunks at once: they reach the server in one or a few reads.
  const question = '[[delay:0]] [[words:200]] burst'

  it('tokens that arrive together share a delta; the first goes alone and at once; seq is gap-free and the text exact', async () => {
    const socket = await connect(coalescing.ws)
    socket.send({ type: 'chat', content: question, messageId: 'burst-1' })
    const frames = await socket.answer('burst-1')
    const chunks = fake.chunksFor(question)
    const sent = deltas(frames)
    expect(sent.length).toBeLessThan(chunks.length / 4)
    expect(sent[0]!.content).toBe(chunks[0])
    expect(sent.map((f) => f.seq)).toEqual([...sent.keys()])
    expect(sent.every((f) => f.content !== '')).toBe(true)
    expect(deltaText(frames)).toBe(fake.answerFor(question))
    expect(frames.at(-1)).toMatchObject({ type: 'chat_complete', metadata: { finishReason: 'stop', usage: { completionTokens: chunks.length } } })
    socket.close()
  })

  it('a resume after a coalesced delta replays the same deltas', async () => {
    const socket = await connect(coalescing.ws)
    socket.send({ type: 'chat', content: question, messageId: 'burst-2' })
    const live = deltas(await socket.answer('burst-2'))
    const before = socket.frames.length
    socket.send({ type: 'resume', messageId: 'burst-2', lastSeq: 0 })
    await socket.next((f) => f.messageId === 'burst-2' && f.type === 'chat_complete' && socket.frames.indexOf(f) >= before)
    const replayed = deltas(socket.frames.slice(before))
    expect(replayed.map((f) => [f.seq, f.content])).toEqual(live.slice(1).map((f) => [f.seq, f.content]))
    socket.close()
  })

  it('DELTA_COALESCE_MS=0: one delta per upstream token', async () => {
    const socket = await connect(perToken.ws)
    socket.send({ type: 'chat', content: question, messageId: 'burst-3' })
    const sent = deltas(await socket.answer('burst-3'))
    expect(sent.map((f) => f.content)).toEqual(fake.chunksFor(question))
    socket.close()
  })
})
