/**
 * The client against the real server through a proxy that cuts every connection at a random byte of the
 * server's stream: every answer still arrives exactly once (no word missing or repeated), and each question
 * reached the upstream exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { startFakeOpenAi, type FakeOpenAi } from '../../app/test/support/fake-openai.js'
import { startTestServer, upstreamEnv, type TestServer } from '../../app/test/support/server.js'
import { connect, type AskEvent } from '../src/index.js'
import { seededRandom, startCuttingProxy, type CuttingProxy } from './support/cutting-proxy.js'

const SEED = 20261201
const MIN_CUTS = 300

let fake: FakeOpenAi
let api: TestServer
let proxy: CuttingProxy

beforeAll(async () => {
  fake = await startFakeOpenAi()
  api = await startTestServer(upstreamEnv(fake.url, { RESUME_GRACE_MS: '30000', WS_MAX_MESSAGES_PER_SECOND: '0' }))
  proxy = await startCuttingProxy(api.server.port, seededRandom(SEED))
})

afterAll(async () => {
  await proxy?.close()
  await api?.close()
  await fake?.close()
})

async function collect(events: AsyncIterable<AskEvent>): Promise<AskEvent[]> {
  const out: AskEvent[] = []
  for await (const event of events) out.push(event)
  return out
}

describe('exactly-once answers through random connection cuts', () => {
  it(`delivers every answer exactly over at least ${MIN_CUTS} cuts, asking upstream once per question`, async () => {
    // Cut after 1-3000 bytes of each connection: some handshakes, some mid-frame, most mid-answer.
    proxy.setCutRange({ min: 1, max: 3000 })
    const client = connect({
      url: `ws://127.0.0.1:${proxy.port}/ws/chat`,
      WebSocket,
      reconnect: { initialDelayMs: 4, maxDelayMs: 40 },
      random: seededRandom(SEED + 1),
    })
    const questions: string[] = []
    let resumes = 0
    let round = 0
    const started = performance.now()
    try {
      // Rounds of four concurrent questions until enough cuts happened (bounded: at most 40 rounds).
      while (proxy.cuts < MIN_CUTS && round < 40) {
        const batch = Array.from({ length: 4 }, (_, i) => `[[words:80]] [[delay:2]] cut round ${round} question ${i}`)
        round++
        const results = await Promise.all(
          batch.map(async (question) => {
            const ask = client.ask(question)
            const [events, text] = await Promise.all([collect(ask), ask.text])
            return { question, events, text }
          }),
        )
        for (const { question, events, text } of results) {
          questions.push(question)
          expect(text).toBe(fake.answerFor(question))
          const deltas = events.filter((e) => e.type === 'delta')
          expect(deltas.map((d) => d.seq)).toEqual(deltas.map((_, i) => i))
          expect(deltas.map((d) => d.content).join('')).toBe(fake.answerFor(question))
          expect(events.filter((e) => e.type === 'start')).toHaveLength(1)
          expect(events.at(-1)).toMatchObject({ type: 'complete', metadata: { finishReason: 'stop' } })
          resumes += events.filter((e) => e.type === 'resumed').length
        }
      }
    } finally {
      client.close()
    }
    console.log(`${proxy.cuts} cuts over ${proxy.connections} connections, ${questions.length} answers, ${resumes} resumes, ${Math.round(performance.now() - started)} ms`)
    expect(proxy.cuts).toBeGreaterThanOrEqual(MIN_CUTS)
    expect(resumes).toBeGreaterThan(questions.length) // most answers lived through more than one cut
    for (const question of questions) {
      const upstream = fake.requests.filter((r) => r.messages.at(-1)?.content === question)
      expect(upstream, question).toHaveLength(1)
      expect(upstream[0]!.aborted).toBe(false)
    }
  }, 120_000)
})
