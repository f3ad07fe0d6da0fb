/**
 * Relay benchmark: answers streamed from the local fake upstream to many concurrent sockets.
 * Prints relay latency (upstream emit -> client receipt, p50/p99), deltas per second and server memory per
 * idle connection, for this server and for a hand-written baseline relay run in the same invocation,
 * and the ratios between them. Traffic goes to 127.0.0.1 only; counts and time are bounded.
 *
 *   npm run bench               (defaults)
 *   BENCH_SOCKETS=500 BENCH_WORDS=100 npm run bench
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'
import { startFakeOpenAi, type FakeOpenAi } from '../app/test/support/fake-openai.js'
import { startProcess, type ServerProcess } from '../app/test/support/process.js'
import { buildServer } from './build.js'

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 200)
const WORDS = Number(process.env.BENCH_WORDS ?? 60)
const CHUNK_DELAY_MS = Number(process.env.BENCH_CHUNK_DELAY_MS ?? 5)
const IDLE_SOCKETS = Number(process.env.BENCH_IDLE_SOCKETS ?? 2000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)

interface RoundResult {
  latencies: number[]
  deltas: number
  seconds: number
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

async function openSockets(url: string, n: number): Promise<WebSocket[]> {
  const sockets: WebSocket[] = []
  for (let i = 0; i < n; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, n - i) }, () => new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(url, { perMessageDeflate: false })
        ws.once('open', () => resolve(ws))
        ws.once('error', reject)
      })),
    )
    sockets.push(...batch)
  }
  return sockets
}

async function round(url: string, fake: FakeOpenAi, tag: string): Promise<RoundResult> {
  const sockets = await openSockets(url, SOCKETS)
  const latencies: number[] = []
  let deltas = 0
  const started = performance.now()
  await Promise.all(
    sockets.map(
      (ws, i) =>
        new Promise<void>((resolve, reject) => {
          const question = `[[words:${WORDS}]] [[delay:${CHUNK_DELAY_MS}]] ${tag} q${i}`
          const timer = setTimeout(() => reject(new Error(`${tag}: socket ${i} timed out`)), 60_000)
          ws.on('message', (data) => {
            const now = performance.now()
            const frame = JSON.parse((data as Buffer).toString('utf8')) as { type: string; seq?: number }
            if (frame.type === 'chat_delta') {
              const emitted = fake.emits.get(`${tag} q${i}`)?.[frame.seq!]
              if (emitted !== undefined) latencies.push(now - emitted)
              deltas++
            }
            if (frame.type === 'chat_complete' || frame.type === 'error') {
              clearTimeout(timer)
              resolve()
            }
          })
          ws.send(JSON.stringify({ type: 'chat', content: question, messageId: `${tag}-${i}` }))
        }),
    ),
  )
  const seconds = (performance.now() - started) / 1000
  for (const ws of sockets) ws.terminate()
  return { latencies, deltas, seconds }
}

async function idleMemory(server: ServerProcess): Promise<number> {
  await new Promise((r) => setTimeout(r, 300))
  const before = rssBytes(server.child.pid!)
  const sockets = await openSockets(server.ws, IDLE_SOCKETS)
  await new Promise((r) => setTimeout(r, 500))
  const after = rssBytes(server.child.pid!)
  for (const ws of sockets) ws.terminate()
  return (after - before) / IDLE_SOCKETS
}

interface Summary {
  p50: number
  p99: number
  deltasPerSecond: number
  bytesPerIdleSocket: number
}

interface Totals {
  latencies: number[]
  deltas: number
  seconds: number
}

function summarize(totals: Totals, bytesPerIdleSocket: number): Summary {
  totals.latencies.sort((a, b) => a - b)
  return { p50: percentile(totals.latencies, 50), p99: percentile(totals.latencies, 99), deltasPerSecond: totals.deltas / totals.seconds, bytesPerIdleSocket }
}

/**
 * Memory first, on processes that have not yet grown their heaps for streaming; then rounds that alternate
 * between the two servers (and which goes first), so drift on a shared machine hits both alike.
 */
async function measureBoth(servers: { name: string; server: ServerProcess }[], fake: FakeOpenAi): Promise<Summary[]> {
  const memory: number[] = []
  for (const { server } of servers) memory.push(await idleMemory(server))
  for (const { name, server } of servers) await round(server.ws, fake, `${name}-warmup`)
  const totals: Totals[] = servers.map(() => ({ latencies: [], deltas: 0, seconds: 0 }))
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? servers.map((_, i) => i) : servers.map((_, i) => servers.length - 1 - i)
    for (const i of order) {
      const result = await round(servers[i]!.server.ws, fake, `${servers[i]!.name}-r${r}`)
      totals[i]!.latencies.push(...result.latencies)
      totals[i]!.deltas += result.deltas
      totals[i]!.seconds += result.seconds
    }
  }
  return totals.map((t, i) => summarize(t, memory[i]!))
}

async function main() {
  const fake = await startFakeOpenAi({ chunkDelayMs: CHUNK_DELAY_MS })
  const env = { OPENAI_API_KEY: 'sk-bench', OPENAI_BASE_URL: fake.url, LOG_LEVEL: 'info', NODE_ENV: 'production' }
  const ours = await startProcess(env, buildServer())
  const baseline = await startProcess(env, fileURLToPath(new URL('./baseline-server.js', import.meta.url)))
  baseline.ws = `ws://127.0.0.1:${baseline.port}/`
  try {
    console.log(`relay benchmark: ${SOCKETS} concurrent sockets x ${ROUNDS} rounds, ${WORDS + 2} deltas per answer, upstream chunk every ${CHUNK_DELAY_MS} ms; ${IDLE_SOCKETS} idle sockets for memory`)
    const [base, mine] = await measureBoth(
      [
        { name: 'baseline', server: baseline },
        { name: 'server', server: ours },
      ],
      fake,
    ) as [Summary, Summary]
    const row = (name: string, s: Summary) =>
      `${name.padEnd(10)} p50 ${s.p50.toFixed(2).padStart(7)} ms   p99 ${s.p99.toFixed(2).padStart(7)} ms   ${s.deltasPerSecond.toFixed(0).padStart(7)} deltas/s   ${(s.bytesPerIdleSocket / 1024).toFixed(1).padStart(6)} KiB/idle socket`
    console.log(row('baseline', base))
    console.log(row('server', mine))
    console.log(
      `ratio      p50 x${(mine.p50 / base.p50).toFixed(2)}   p99 x${(mine.p99 / base.p99).toFixed(2)}   deltas/s x${(mine.deltasPerSecond / base.deltasPerSecond).toFixed(2)}   memory/idle socket x${(mine.bytesPerIdleSocket / base.bytesPerIdleSocket).toFixed(2)}   (server / baseline)`,
    )
  } finally {
    ours.child.kill('SIGTERM')
    baseline.child.kill('SIGTERM')
    await Promise.all([ours.exited, baseline.exited])
    await fake.close()
  }
}

await main()
