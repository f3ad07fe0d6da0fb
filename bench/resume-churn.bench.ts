/**
 * Resume under churn: many clients whose sockets are cut at random points and resumed, through Redis on a
 * second instance and, as the baseline in the same invocation, in memory on the same instance (of two).
 * Prints lost and duplicated deltas (both must be 0) and the added latency of going through Redis.
 * Traffic goes to 127.0.0.1 only; counts and time are bounded.
 *
 * Then a reconnect storm (BENCH_STORM resumes at once on one instance; 0 = skip) counts Redis connections.
 *
 *   npm run bench:resume         BENCH_CLIENTS=100 BENCH_CUTS=3 BENCH_WORDS=80 BENCH_STORM=1000
 */
import WebSocket from 'ws'
import { startFakeOpenAi, type FakeOpenAi } from '../app/test/support/fake-openai.js'
import { startProcess, type ServerProcess } from '../app/test/support/process.js'
import { startRedis, type RedisServer } from '../app/test/support/redis-server.js'
import { Redis } from 'ioredis'
import { buildServer } from './build.js'
import type { ServerFrame } from '../app/src/protocol/frames.js'

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100)
const CUTS = Number(process.env.BENCH_CUTS ?? 3)
const WORDS = Number(process.env.BENCH_WORDS ?? 80)
const CHUNK_DELAY_MS = Number(process.env.BENCH_CHUNK_DELAY_MS ?? 5)
const STORM = Number(process.env.BENCH_STORM ?? 1000)

interface ClientResult {
  lost: number
  duplicated: number
  textMatches: boolean
  relayMs: number[]
  /** Relay of frames read on a connection after the first one (a resume). */
  resumedRelayMs: number[]
  resumeMs: number[]
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false })
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

/** One client: asks on the first instance, is cut CUTS times at random deltas, resumes on the next instance each time. */
async function client(i: number, tag: string, urls: string[], fake: FakeOpenAi): Promise<ClientResult> {
  const question = `[[words:${WORDS}]] [[delay:${CHUNK_DELAY_MS}]] ${tag} client ${i}`
  const expected = fake.chunksFor(question)
  const boundaries: number[] = []
  expected.reduce((n, piece) => (boundaries.push(n + piece.length), n + piece.length), 0)
  const cutAt = Array.from({ length: CUTS }, () => 1 + Math.floor(Math.random() * (expected.length - 2))).sort((a, b) => a - b)
  const received = new Map<number, number>()
  const pieces: string[] = []
  const relayMs: number[] = []
  const resumedRelayMs: number[] = []
  const resumeMs: number[] = []
  const messageId = `${tag}-${i}`
  let lastSeq = -1
  let round = 0
  const deadline = Date.now() + 60_000
  for (;;) {
    if (Date.now() > deadline) throw new Error(`${messageId} did not finish in time`)
    const ws = await open(urls[round % urls.length]!)
    const resumeSent = performance.now()
    let firstAfterResume = true
    const ended = await new Promise<'complete' | 'cut'>((resolve, reject) => {
      ws.on('message', (data) => {
        const now = performance.now()
        const frame = JSON.parse((data as Buffer).toString('utf8')) as ServerFrame
        if (frame.type === 'error') return reject(new Error(`${messageId}: ${frame.code} ${frame.error}`))
        if (frame.type === 'chat_delta') {
          if (round > 0 && firstAfterResume) resumeMs.push(now - resumeSent)
          firstAfterResume = false
          const seq = frame.seq!
          received.set(seq, (received.get(seq) ?? 0) + 1)
          pieces[seq] = frame.content!
          lastSeq = Math.max(lastSeq, seq)
          // A delta may carry several tokens: each token's latency runs to the delta that completes it.
          const emits = fake.emits.get(`${tag} client ${i}`) ?? []
          const end = pieces.slice(0, seq + 1).reduce((n, p) => n + (p?.length ?? 0), 0)
          const start = end - frame.content!.length
          for (let k = 0; k < boundaries.length; k++) {
            if (boundaries[k]! <= start || boundaries[k]! > end) continue
            // Live tokens only (emitted upstream after this socket asked): a replayed token's wait is the cut, not the relay.
            if (emits[k] !== undefined && emits[k]! > resumeSent) (round % 2 === 1 ? resumedRelayMs : relayMs).push(now - emits[k]!)
          }
          if (round < cutAt.length && seq >= cutAt[round]!) {
            ws.terminate()
            resolve('cut')
          }
        }
        if (frame.type === 'chat_complete') resolve('complete')
      })
      ws.on('close', () => resolve('cut'))
      ws.send(JSON.stringify(round === 0 ? { type: 'chat', content: question, messageId } : { type: 'resume', messageId, lastSeq }))
    })
    round++
    if (ended === 'complete') {
      ws.close()
      break
    }
  }
  let lost = 0
  let duplicated = 0
  // Deltas may carry several tokens: a lost delta is a gap in seq 0..lastSeq (and shows in the text).
  for (let seq = 0; seq <= lastSeq; seq++) {
    const count = received.get(seq) ?? 0
    if (count === 0) lost++
    if (count > 1) duplicated += count - 1
  }
  return { lost, duplicated, textMatches: pieces.join('') === expected.join(''), relayMs, resumedRelayMs, resumeMs }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

/** `urlsOf(i)`: the instances client i visits in turn, one per connection. */
async function run(tag: string, urlsOf: (i: number) => string[], fake: FakeOpenAi) {
  const results = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i, tag, urlsOf(i), fake)))
  const relay = results.flatMap((r) => r.relayMs)
  const resumedRelay = results.flatMap((r) => r.resumedRelayMs)
  const resume = results.flatMap((r) => r.resumeMs)
  return {
    lost: results.reduce((n, r) => n + r.lost, 0),
    duplicated: results.reduce((n, r) => n + r.duplicated, 0),
    mismatched: results.filter((r) => !r.textMatches).length,
    relayP50: percentile(relay, 50),
    relayP99: percentile(relay, 99),
    resumedP50: percentile(resumedRelay, 50),
    resumedP99: percentile(resumedRelay, 99),
    resumeP50: percentile(resume, 50),
    resumeP99: percentile(resume, 99),
    resumes: resume.length,
  }
}


/** Redis clients connected right now (INFO clients), the probe's own connection excluded. */
async function redisClients(probe: Redis): Promise<number> {
  const info = await probe.info('clients')
  return Number(/connected_clients:(\d+)/.exec(info)![1]) - 1
}

async function openMany(url: string, n: number): Promise<WebSocket[]> {
  const sockets: WebSocket[] = []
  for (let i = 0; i < n; i += 50) sockets.push(...(await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => open(url)))))
  return sockets
}

/**
 * A reconnect storm: STORM answers start on instance A, every socket is cut after its first delta, and all
 * resume at once on instance B. Counts Redis connections before and (at most) during the storm.
 */
async function storm(redis: RedisServer, a: ServerProcess, b: ServerProcess, fake: FakeOpenAi) {
  const probe = new Redis(redis.url)
  try {
    const question = (i: number) => `[[words:40]] [[delay:25]] storm ${i}`
    const idle = await redisClients(probe)
    const producers = await openMany(a.ws, STORM)
    await Promise.all(producers.map((ws, i) => new Promise<void>((resolve) => {
      ws.on('message', (data) => {
        if ((JSON.parse((data as Buffer).toString('utf8')) as ServerFrame).type === 'chat_delta') resolve()
      })
      ws.send(JSON.stringify({ type: 'chat', content: question(i), messageId: `storm-${i}` }))
    })))
    for (const ws of producers) ws.terminate()
    let peak = await redisClients(probe)
    const sampler = setInterval(() => void redisClients(probe).then((n) => (peak = Math.max(peak, n)), () => {}), 20)
    const started = performance.now()
    const resumers = await openMany(b.ws, STORM)
    let exact = 0
    await Promise.all(resumers.map((ws, i) => new Promise<void>((resolve, reject) => {
      let text = ''
      ws.on('message', (data) => {
        const frame = JSON.parse((data as Buffer).toString('utf8')) as ServerFrame
        if (frame.type === 'chat_delta') text += frame.content
        if (frame.type === 'error') reject(new Error(`storm ${i}: ${frame.code} ${frame.error}`))
        if (frame.type === 'chat_complete') {
          if (text === fake.answerFor(question(i))) exact++
          resolve()
        }
      })
      ws.send(JSON.stringify({ type: 'resume', messageId: `storm-${i}`, lastSeq: -1 }))
    })))
    clearInterval(sampler)
    const seconds = (performance.now() - started) / 1000
    for (const ws of resumers) ws.close()
    return { idle, peak: Math.max(peak, await redisClients(probe)), exact, seconds }
  } finally {
    probe.disconnect()
  }
}

async function main() {
  const fake = await startFakeOpenAi({ chunkDelayMs: CHUNK_DELAY_MS })
  const redis = await startRedis()
  const base = { OPENAI_API_KEY: 'sk-bench', OPENAI_BASE_URL: fake.url, LOG_LEVEL: 'info', NODE_ENV: 'production', RESUME_GRACE_MS: '30000' }
  const servers: ServerProcess[] = []
  try {
    // Both runs use two server processes, so they compete for the same cores: only where a resume lands differs.
    const entry = buildServer()
    const [m1, m2, a, b] = await Promise.all([
      startProcess(base, entry),
      startProcess(base, entry),
      startProcess({ ...base, REDIS_URL: redis.url }, entry),
      startProcess({ ...base, REDIS_URL: redis.url }, entry),
    ])
    servers.push(m1, m2, a, b)
    console.log(`resume under churn: ${CLIENTS} clients, ${CUTS} cuts each at random deltas, ${WORDS + 2} deltas per answer, upstream chunk every ${CHUNK_DELAY_MS} ms`)
    // Half the clients start on each instance. In memory a client stays on its instance; with Redis every resume lands on the other one.
    const memory = await run('memory', (i) => [i % 2 ? m1.ws : m2.ws], fake)
    const shared = await run('redis', (i) => (i % 2 ? [a.ws, b.ws] : [b.ws, a.ws]), fake)
    const ms = (v: number) => `${v.toFixed(2)} ms`
    const row = (name: string, r: Awaited<ReturnType<typeof run>>) =>
      `${name.padEnd(25)} lost ${r.lost}  duplicated ${r.duplicated}  mismatched ${r.mismatched}   relay p50 ${ms(r.relayP50)} p99 ${ms(r.relayP99)}   after a resume p50 ${ms(r.resumedP50)} p99 ${ms(r.resumedP99)}   resume p50 ${ms(r.resumeP50)} p99 ${ms(r.resumeP99)} (${r.resumes} resumes)`
    console.log(row('in memory, same instance', memory))
    console.log(row('Redis, other instance', shared))
    const x = (a: number, b: number) => `x${(a / b).toFixed(2)}`
    console.log(
      `${'added by Redis'.padEnd(25)} relay p50 ${x(shared.relayP50, memory.relayP50)} p99 ${x(shared.relayP99, memory.relayP99)}   after a resume p50 ${x(shared.resumedP50, memory.resumedP50)} p99 ${x(shared.resumedP99, memory.resumedP99)}   resume p50 ${x(shared.resumeP50, memory.resumeP50)} p99 ${x(shared.resumeP99, memory.resumeP99)}`,
    )
    if (STORM > 0) {
      const result = await storm(redis, a, b, fake)
      console.log(
        `reconnect storm: ${STORM} answers started on A, all cut and resumed at once on B in ${result.seconds.toFixed(1)} s; ` +
          `${result.exact}/${STORM} texts exact; Redis connections (both instances) ${result.idle} before, at most ${result.peak} during`,
      )
      if (result.exact !== STORM) process.exitCode = 1
    }
    if (memory.lost + memory.duplicated + shared.lost + shared.duplicated + memory.mismatched + shared.mismatched > 0) {
      console.log('FAILED: a delta was lost or duplicated')
      process.exitCode = 1
    }
  } finally {
    for (const s of servers) s.child.kill('SIGTERM')
    await Promise.all(servers.map((s) => s.exited))
    await redis.stop()
    await fake.close()
  }
}

await main()
