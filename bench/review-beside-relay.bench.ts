/**
 * Reviews beside the relay: the server's event-loop lag and relay latency under the relay benchmark's saturation
 * load (sockets streaming answers from the fake upstream, no delay between tokens), alone and with code reviews of
 * a 200-line buggy program arriving at a steady rate beside it, rounds alternating in one invocation.
 * A review type-checks in a worker thread (app/src/code/); this shows whether that stays off the event loop.
 * Lag comes from the server's own /metrics (prom-client's nodejs_eventloop_lag_p50/p99_seconds, a histogram that
 * every scrape reads and resets, sampled every 20 ms), scraped at the start and the end of each round's relay load.
 * The compiled server runs in its own process with the product's defaults (limits raised never to refuse the load);
 * traffic goes to 127.0.0.1 only; each round lasts BENCH_ROUND_SECONDS (8), about a minute in all, and it stops by itself.
 *
 *   npm run bench:review
 *   BENCH_CLIENTS=50 BENCH_ROUNDS=5 BENCH_REVIEW_EVERY_MS=500 npm run bench:review
 */
import { readdirSync, readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'
import type { CompleteMetadata, ServerFrame } from '../app/src/protocol/frames.js'
import { startFakeOpenAi, type FakeOpenAi } from '../app/test/support/fake-openai.js'
import { startProcess, type ServerProcess } from '../app/test/support/process.js'
import { collectSse, postChat } from '../app/test/support/sse-client.js'
import { LIMITS_NEVER_REFUSING } from './server-env.js'
import { buildServer } from './build.js'
import { cpuMs } from './proc-stats.js'

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200)
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 8)
const TOKENS = Number(process.env.BENCH_TOKENS ?? 50)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const REVIEW_EVERY_MS = Number(process.env.BENCH_REVIEW_EVERY_MS ?? 1000)
const REVIEW_LINES = 200
/** A round's load that has not finished this long after it began has failed. */
const ROUND_BOUND_MS = ROUND_SECONDS * 1000 + 60_000

interface RoundResult {
  lagP50: number
  lagP99: number
  lagMax: number
  latencies: number[]
  tokens: number
  seconds: number
  cpuMs: number
  reviews: number[]
}

/** A 200-line program from the buggy corpus's TypeScript files: one import of every name, each file's body in its own block. */
function buggyProgram(lines = REVIEW_LINES): string {
  const dir = fileURLToPath(new URL('../app/src/code/corpus/buggy/', import.meta.url))
  const names = new Set<string>()
  const blocks: string[] = []
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts.txt')).sort()) {
    const text = readFileSync(dir + file, 'utf8').split('\n')
    const imports = text.filter((l) => l.startsWith('import '))
    // Only files whose imports are single lines from the current SDK, so the one import at the top covers them.
    if (!imports.every((l) => /^import \{[^}]+\} from ['"]@hiero-ledger\/sdk['"];?$/.test(l))) continue
    for (const line of imports) for (const name of /\{([^}]+)\}/.exec(line)![1]!.split(',')) names.add(name.trim())
    const body = text.filter((l) => !l.startsWith('import ') && !l.startsWith('// expect') && l.trim() !== '')
    blocks.push(['{', ...body.map((l) => `  ${l}`), '}'].join('\n'))
  }
  const out = [`import { ${[...names].sort().join(', ')} } from '@hiero-ledger/sdk'`]
  let count = 1
  // Cycle through whole blocks while they fit (blocks keep each file's names apart), then fill up with plain lines.
  for (let i = 0; count + blocks[i % blocks.length]!.split('\n').length <= lines; i++) {
    out.push(blocks[i % blocks.length]!)
    count += blocks[i % blocks.length]!.split('\n').length
  }
  while (count++ < lines) out.push(`console.log('line ${count}')`)
  return out.join('\n')
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50)

/** The server's event-loop lag gauges (seconds); reading them resets prom-client's histogram. */
async function scrapeLag(base: string): Promise<{ p50: number; p99: number; max: number }> {
  const text = await (await fetch(`${base}/metrics`)).text()
  const gauge = (name: string) => Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? NaN)
  return { p50: gauge('nodejs_eventloop_lag_p50_seconds'), p99: gauge('nodejs_eventloop_lag_p99_seconds'), max: gauge('nodejs_eventloop_lag_max_seconds') }
}

async function openSockets(url: string, n: number): Promise<WebSocket[]> {
  return Promise.all(Array.from({ length: n }, () => new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false })
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })))
}

/** One socket asking questions in turn until `deadline`, no delay between tokens; each token's latency from its upstream emit. */
function relayClient(ws: WebSocket, fake: FakeOpenAi, key: string, deadline: number, result: RoundResult): Promise<void> {
  return new Promise((resolve, reject) => {
    let chat = 0
    let clean = ''
    let expected = ''
    let boundaries: number[] = []
    let received = ''
    let next = 0
    const timer = setTimeout(() => reject(new Error(`${key}: timed out`)), ROUND_BOUND_MS)
    function ask() {
      if (performance.now() >= deadline) {
        clearTimeout(timer)
        ws.off('message', onMessage)
        return resolve()
      }
      clean = `${key} k${++chat}`
      const question = `[[words:${TOKENS - 2}]] [[delay:0]] ${clean}`
      const pieces = fake.chunksFor(question)
      expected = pieces.join('')
      boundaries = []
      let length = 0
      for (const piece of pieces) boundaries.push((length += piece.length))
      received = ''
      next = 0
      ws.send(JSON.stringify({ type: 'chat', content: question, messageId: clean.replace(/ /g, '-') }))
    }
    function onMessage(data: WebSocket.RawData) {
      const now = performance.now()
      const frame = JSON.parse((data as Buffer).toString('utf8')) as { type: string; content?: string; error?: string }
      if (frame.type === 'chat_delta') {
        received += frame.content
        const emits = fake.emits.get(clean)!
        while (next < boundaries.length && received.length >= boundaries[next]!) result.latencies.push(now - emits[next++]!)
      } else if (frame.type === 'chat_complete') {
        if (received !== expected) return reject(new Error(`${key}: the answer text differs from what the upstream sent`))
        result.tokens += boundaries.length
        ask()
      } else if (frame.type === 'error') {
        reject(new Error(`${key}: ${frame.error}`))
      }
    }
    ws.on('message', onMessage)
    ask()
  })
}

/** One review over native SSE; resolves with its wall time, and fails unless the server's checks found the bugs. */
async function review(base: string, code: string, key: string): Promise<{ ms: number; metadata: CompleteMetadata }> {
  const started = performance.now()
  const response = await postChat(base, { content: `[[words:20]] Review my code ${key}`, metadata: { type: 'code-review', language: 'typescript', code, output: '' } })
  if (response.status !== 200) throw new Error(`${key}: review answered HTTP ${response.status}: ${await response.text()}`)
  const frames: ServerFrame[] = (await collectSse(response)).map((e) => e.frame)
  const complete = frames.find((f) => f.type === 'chat_complete')
  if (!complete) throw new Error(`${key}: review ended without chat_complete: ${JSON.stringify(frames.at(-1))}`)
  const metadata = complete.metadata as CompleteMetadata
  if (!metadata.codeCheck || metadata.codeCheck.diagnostics.length === 0) throw new Error(`${key}: the review found nothing in a buggy program`)
  return { ms: performance.now() - started, metadata }
}

/** Reviews at a steady rate until `stop` is called; resolves with every review's wall time once the last is answered. */
function reviewsAtSteadyRate(base: string, code: string, tag: string): { stop: () => Promise<number[]> } {
  const pending: Promise<number>[] = []
  let n = 0
  const fire = () => pending.push(review(base, code, `${tag}-review${n++}`).then((r) => r.ms))
  fire()
  const timer = setInterval(fire, REVIEW_EVERY_MS)
  return {
    stop() {
      clearInterval(timer)
      return Promise.all(pending)
    },
  }
}

async function round(server: ServerProcess, fake: FakeOpenAi, code: string, tag: string, withReviews: boolean): Promise<RoundResult> {
  const sockets = await openSockets(server.ws, CLIENTS)
  const result: RoundResult = { lagP50: 0, lagP99: 0, lagMax: 0, latencies: [], tokens: 0, seconds: 0, cpuMs: 0, reviews: [] }
  await scrapeLag(server.http) // resets the lag histogram: what follows is this round's
  const cpuBefore = cpuMs(server.child.pid!)
  const started = performance.now()
  const reviews = withReviews ? reviewsAtSteadyRate(server.http, code, tag) : undefined
  try {
    const deadline = started + ROUND_SECONDS * 1000
    await Promise.all(sockets.map((ws, i) => relayClient(ws, fake, `${tag} c${i}`, deadline, result)))
    result.seconds = (performance.now() - started) / 1000
    result.cpuMs = cpuMs(server.child.pid!) - cpuBefore
    const lag = await scrapeLag(server.http)
    Object.assign(result, { lagP50: lag.p50 * 1000, lagP99: lag.p99 * 1000, lagMax: lag.max * 1000 })
  } finally {
    // Reviews still being answered finish before the next round; the next round's first scrape discards their lag.
    result.reviews = (await reviews?.stop()) ?? []
    for (const ws of sockets) ws.terminate()
  }
  result.latencies.sort((a, b) => a - b)
  return result
}

function printTable(alone: RoundResult[], beside: RoundResult[]): void {
  const rows: [string, (r: RoundResult) => number, number][] = [
    ['event-loop lag p50 (ms)', (r) => r.lagP50, 1],
    ['event-loop lag p99 (ms)', (r) => r.lagP99, 1],
    ['event-loop lag max (ms)', (r) => r.lagMax, 1],
    ['relay latency p50 (ms)', (r) => percentile(r.latencies, 50), 1],
    ['relay latency p99 (ms)', (r) => percentile(r.latencies, 99), 1],
    ['tokens delivered/s', (r) => r.tokens / r.seconds, 0],
    ['server CPU per 1k tokens (ms)', (r) => (r.cpuMs / r.tokens) * 1000, 1],
  ]
  console.log('\nmedian over rounds (each round: min..max)')
  console.log('| figure | relay alone | relay + reviews | with / alone |\n|---|---|---|---|')
  for (const [label, value, digits] of rows) {
    const a = alone.map(value)
    const b = beside.map(value)
    const range = (v: number[]) => `${Math.min(...v).toFixed(digits)}..${Math.max(...v).toFixed(digits)}`
    console.log(`| ${label} | ${median(a).toFixed(digits)} (${range(a)}) | ${median(b).toFixed(digits)} (${range(b)}) | ×${(median(b) / median(a)).toFixed(2)} |`)
  }
  const reviewMs = beside.flatMap((r) => r.reviews).sort((x, y) => x - y)
  console.log(`\nreviews answered beside the load: ${reviewMs.length}, wall time p50 ${percentile(reviewMs, 50).toFixed(0)} ms, p99 ${percentile(reviewMs, 99).toFixed(0)} ms`)
}

async function main(): Promise<void> {
  const entry = buildServer()
  const code = buggyProgram()
  const fake = await startFakeOpenAi({ chunkDelayMs: 0 })
  const server = await startProcess(
    {
      OPENAI_API_KEY: 'sk-bench',
      OPENAI_BASE_URL: fake.url,
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
      ...LIMITS_NEVER_REFUSING,
      WS_MAX_MESSAGES_PER_SECOND: '100000',
    },
    entry,
  )
  const stopAll = setTimeout(() => {
    console.error('benchmark exceeded its time bound; stopping')
    server.child.kill('SIGKILL')
    process.exit(1)
  }, (ROUNDS * 2 + 2) * ROUND_BOUND_MS)
  stopAll.unref()
  try {
    console.log(
      `review beside relay: ${CLIENTS} sockets asking in turn for ${ROUND_SECONDS} s, ${TOKENS} tokens per answer, no delay (saturation), ${ROUNDS} rounds each way (alternating); ` +
        `a review of a ${code.split('\n').length}-line buggy program every ${REVIEW_EVERY_MS} ms beside it; load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    )
    // Warm-up: the first review starts the worker and its compiler; the first relay round warms the JIT.
    const first = await review(server.http, code, 'warmup')
    const sources = new Map<string, number>()
    for (const d of first.metadata.codeCheck!.diagnostics) sources.set(d.source, (sources.get(d.source) ?? 0) + 1)
    console.log(`warm-up review (cold worker): ${first.ms.toFixed(0)} ms; findings by source: ${[...sources].map(([s, n]) => `${s} ${n}`).join(', ')}`)
    await round(server, fake, code, 'warmup', false)
    const alone: RoundResult[] = []
    const beside: RoundResult[] = []
    for (let r = 0; r < ROUNDS; r++) {
      for (const withReviews of r % 2 === 0 ? [false, true] : [true, false]) {
        const result = await round(server, fake, code, `r${r}-${withReviews ? 'reviews' : 'alone'}`, withReviews)
        ;(withReviews ? beside : alone).push(result)
        console.log(
          `round ${r} ${withReviews ? 'relay + reviews' : 'relay alone    '}: lag p50 ${result.lagP50.toFixed(1)} ms, p99 ${result.lagP99.toFixed(1)} ms; ` +
            `relay p99 ${percentile(result.latencies, 99).toFixed(1)} ms; ${result.seconds.toFixed(1)} s${withReviews ? `; ${result.reviews.length} reviews` : ''}`,
        )
      }
    }
    printTable(alone, beside)
    console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (the machine is shared; rounds alternate so drift hits both alike)`)
  } finally {
    clearTimeout(stopAll)
    await server.stop()
    await fake.close()
  }
}

await main()
