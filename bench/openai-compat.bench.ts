/**
 * OpenAI-compatible streaming benchmark: the same answers from the same compiled server, streamed over the
 * native SSE endpoint (the baseline) and over POST /v1/chat/completions, in alternating rounds. Prints relay
 * latency (upstream emit -> client receipt, p50/p99) and deltas per second for both, and the ratios.
 * Both clients read the raw SSE with fetch, so the difference is the server's. Traffic goes to 127.0.0.1 only.
 *
 *   npm run bench:openai
 *   BENCH_CLIENTS=200 BENCH_WORDS=100 npm run bench:openai
 */
import { startFakeOpenAi, type FakeOpenAi } from '../app/test/support/fake-openai.js'
import { startProcess } from '../app/test/support/process.js'
import { buildServer } from './build.js'

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100)
const WORDS = Number(process.env.BENCH_WORDS ?? 60)
const CHUNK_DELAY_MS = Number(process.env.BENCH_CHUNK_DELAY_MS ?? 5)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4)

type Mode = 'sse' | 'openai'

interface Totals {
  latencies: number[]
  deltas: number
  seconds: number
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

/** Calls `onData` with the receipt time and the `data:` payload of every event of an SSE response. */
async function readEvents(response: Response, onData: (now: number, data: string) => void): Promise<void> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    const now = performance.now()
    buffer += value
    let end: number
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const data = block.split('\n').find((line) => line.startsWith('data: '))
      if (data) onData(now, data.slice(6))
    }
  }
}

async function one(base: string, mode: Mode, question: string, fake: FakeOpenAi, clean: string, totals: Totals): Promise<void> {
  const body = mode === 'sse' ? { content: question } : { model: 'hedera-assistant', stream: true, messages: [{ role: 'user', content: question }] }
  const path = mode === 'sse' ? '/api/playground/assistant/chat' : '/v1/chat/completions'
  const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (!response.ok) throw new Error(`${mode}: HTTP ${response.status} ${await response.text()}`)
  let index = 0
  await readEvents(response, (now, data) => {
    if (data === '[DONE]') return
    const event = JSON.parse(data) as { type?: string; content?: string; choices?: { delta?: { content?: string } }[] }
    const text = mode === 'sse' ? (event.type === 'chat_delta' ? event.content : undefined) : event.choices?.[0]?.delta?.content
    if (!text) return
    const emitted = fake.emits.get(clean)?.[index++]
    if (emitted !== undefined) totals.latencies.push(now - emitted)
    totals.deltas++
  })
}

async function round(base: string, mode: Mode, fake: FakeOpenAi, tag: string, totals: Totals): Promise<void> {
  const started = performance.now()
  await Promise.all(
    Array.from({ length: CLIENTS }, (_, i) => one(base, mode, `[[words:${WORDS}]] [[delay:${CHUNK_DELAY_MS}]] ${tag} q${i}`, fake, `${tag} q${i}`, totals)),
  )
  totals.seconds += (performance.now() - started) / 1000
}

async function main() {
  const fake = await startFakeOpenAi({ chunkDelayMs: CHUNK_DELAY_MS })
  const env = { OPENAI_API_KEY: 'sk-bench', OPENAI_BASE_URL: fake.url, LOG_LEVEL: 'info', NODE_ENV: 'production' }
  const server = await startProcess(env, buildServer())
  try {
    console.log(`openai-compat benchmark: ${CLIENTS} concurrent streams x ${ROUNDS} rounds per endpoint, ${WORDS + 2} deltas per answer, upstream chunk every ${CHUNK_DELAY_MS} ms`)
    const totals: Record<Mode, Totals> = { sse: { latencies: [], deltas: 0, seconds: 0 }, openai: { latencies: [], deltas: 0, seconds: 0 } }
    for (const mode of ['sse', 'openai'] as const) await round(server.http, mode, fake, `${mode}-warmup`, { latencies: [], deltas: 0, seconds: 0 })
    // Alternate which goes first, so drift on a shared machine hits both alike.
    for (let r = 0; r < ROUNDS; r++) {
      for (const mode of r % 2 === 0 ? (['sse', 'openai'] as const) : (['openai', 'sse'] as const)) await round(server.http, mode, fake, `${mode}-r${r}`, totals[mode])
    }
    const summary = (t: Totals) => {
      t.latencies.sort((a, b) => a - b)
      return { p50: percentile(t.latencies, 50), p99: percentile(t.latencies, 99), rate: t.deltas / t.seconds }
    }
    const [sse, openai] = [summary(totals.sse), summary(totals.openai)]
    const row = (name: string, s: { p50: number; p99: number; rate: number }) =>
      `${name.padEnd(14)} p50 ${s.p50.toFixed(2).padStart(7)} ms   p99 ${s.p99.toFixed(2).padStart(7)} ms   ${s.rate.toFixed(0).padStart(7)} deltas/s`
    console.log(row('native SSE', sse))
    console.log(row('/v1 (OpenAI)', openai))
    console.log(`ratio          p50 x${(openai.p50 / sse.p50).toFixed(2)}   p99 x${(openai.p99 / sse.p99).toFixed(2)}   deltas/s x${(openai.rate / sse.rate).toFixed(2)}   (/v1 / native SSE)`)
  } finally {
    server.child.kill('SIGTERM')
    await server.exited
    await fake.close()
  }
}

await main()
