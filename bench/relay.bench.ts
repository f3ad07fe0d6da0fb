/**
 * Relay benchmark: answers streamed from the local fake upstream to many concurrent sockets, for this server
 * (compiled, with validation, logging, metrics, history, resume, limits and Redis on) and two baselines run
 * in the same invocation, each round running every server once in a shuffled order (the same orders every time):
 *   - sdk:  the plain design a team would write (`ws` + the openai SDK), bench/baseline-server.js
 *   - bare: the leanest hand-written relay (node:http + `ws` + a node:http upstream, a minimal SSE split,
 *           one send per token), bench/bare-relay-server.js
 * Workloads: saturation (many chats, no delay between tokens: CPU per 1k tokens and tokens/s), paced (a token
 * every few ms: relay latency p50/p99 per token) and idle sockets (RSS per socket, on fresh processes and again once the young generation has grown); and
 * protocols: this server's AI SDK UI message stream against its native SSE stream, paced, over HTTP
 * (bench/http-protocols.ts).
 * Tokens are counted from the fake upstream's stamps, so a delta that carries several tokens counts them all;
 * latency is per token, from its upstream emit to the receipt of the frame that completes it.
 * This server runs with the product's defaults, knowledge grounding on (BENCH_KNOWLEDGE=off turns it off to
 * compare); grounding's own CPU per question is reported first, in process (bench/grounding.bench.ts).
 * Traffic goes to 127.0.0.1 only; counts and time are bounded (about two minutes by default).
 *
 *   npm run bench
 *   BENCH_CLIENTS=100 BENCH_ROUNDS=5 BENCH_WORKLOADS=saturation npm run bench
 *   BENCH_CPU_PROF=/tmp/prof npm run bench      (writes .cpuprofile files of this server and the bare relay under
 *       /tmp/prof/server and /tmp/prof/bare; see bench/profile-summary.ts)
 *   BENCH_BEFORE_ENTRY=<copy of an earlier dist>/main.js npm run bench   (that build as a fourth server, same
 *       settings, in the same rounds: before/after in one invocation, a column "server/before")
 *   BENCH_BEFORE_ENTRY=dist/main.js BENCH_BEFORE_ENV='{"KNOWLEDGE_ENABLED":"false"}' npm run bench
 *   BENCH_NODE_FLAGS / BENCH_BEFORE_NODE_FLAGS: node's flags for this server / the "before" one (default: those
 *       of `npm start`), e.g. BENCH_BEFORE_NODE_FLAGS=--max-semi-space-size=32 for what a flag changes
 *       (the same build with some settings changed, e.g. what grounding costs, or NODE_OPTIONS)
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import WebSocket from 'ws'
import { startFakeOpenAi, type FakeOpenAi } from '../app/test/support/fake-openai.js'
import { startProcess, type ServerProcess } from '../app/test/support/process.js'
import { startRedis, type RedisServer } from '../app/test/support/redis-server.js'
import { LIMITS_NEVER_REFUSING } from './server-env.js'
import { buildServer, shippedNodeFlags } from './build.js'
import { groundingReport } from './grounding.bench.js'
import { compareHttpProtocols, type ProtocolResult } from './http-protocols.js'
import { cpuMs, cpuMsSplit, peakRssBytes, rssBytes } from './proc-stats.js'
import { renderChart } from './svg-chart.js'

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200)
const SATURATION_CHATS = Number(process.env.BENCH_SATURATION_CHATS ?? 20)
const PACED_CHATS = Number(process.env.BENCH_PACED_CHATS ?? 5)
const TOKENS = Number(process.env.BENCH_TOKENS ?? 50)
const PACE_MS = Number(process.env.BENCH_PACE_MS ?? 5)
const IDLE_SOCKETS = Number(process.env.BENCH_IDLE_SOCKETS ?? 2000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const WITH_REDIS = process.env.BENCH_REDIS !== '0'
const HTTP_CLIENTS = Number(process.env.BENCH_HTTP_CLIENTS ?? 50)
const WORKLOADS = new Set((process.env.BENCH_WORKLOADS ?? 'idle,saturation,paced,protocols').split(','))
const CHART = process.env.BENCH_CHART ?? fileURLToPath(new URL('../docs/benchmarks-relay.svg', import.meta.url))
const PROFILE_DIR = process.env.BENCH_CPU_PROF
const KNOWLEDGE = process.env.BENCH_KNOWLEDGE !== 'off'
/**
 * What the clients ask: the knowledge eval's questions, each socket its own sequence, so retrieval, the context
 * block and the history vary as they do with real users (the same text every time would hit every cache).
 */
const QUESTIONS = (JSON.parse(readFileSync(new URL('../knowledge/eval/questions.json', import.meta.url), 'utf8')) as { question: string }[]).map((q) => q.question)
/** An answer's first tokens, whose latency is reported apart (they arrive while other answers start). */
const FIRST_TOKENS = 5
/** An earlier build of this server (its dist/main.js copied under .bench/, ignored by git and lint, inside the repository so it finds node_modules). */
const BEFORE_ENTRY = process.env.BENCH_BEFORE_ENTRY ? path.resolve(process.env.BENCH_BEFORE_ENTRY) : undefined
const BEFORE_ENV = envOverrides(process.env.BENCH_BEFORE_ENV)

function append(to: number[], values: readonly number[]): void {
  for (const value of values) to.push(value)
}

/** BENCH_BEFORE_ENV: a JSON object of environment variables (strings) set for the "before" server only. */
function envOverrides(json: string | undefined): Record<string, string> {
  if (!json) return {}
  const parsed: unknown = JSON.parse(json)
  if (typeof parsed !== 'object' || parsed === null || Object.values(parsed).some((v) => typeof v !== 'string')) {
    throw new Error(`BENCH_BEFORE_ENV must be a JSON object of strings, like {"KNOWLEDGE_ENABLED":"false"}; got ${json}`)
  }
  return parsed as Record<string, string>
}

interface Server {
  name: string
  process: ServerProcess
  /** A client of the Redis this server uses, to count its commands. */
  redis?: Redis
}

/** Redis calls per answer of this server, all and by command (most first). */
function printRedisCalls(workload: string, result: RoundResult): void {
  if (result.redisCalls.size === 0) return
  const perAnswer = [...result.redisCalls].map(([command, calls]) => [command, calls / result.answers] as const).sort((a, b) => b[1] - a[1])
  const executed = perAnswer.reduce((sum, [, n]) => sum + n, 0)
  const sent = warmupSent.get(workload)
  console.log(
    `${workload}: Redis per answer (this server): ${sent === undefined ? '' : `${sent}; `}` +
      `${executed.toFixed(2)} executed (commandstats, with the commands scripts run): ${perAnswer.map(([c, n]) => `${c} ${n.toFixed(2)}`).join(', ')}`,
  )
}

interface RoundResult {
  cpuMs: number
  /** The part of cpuMs spent on the main thread (the rest: GC and compiler helpers, libuv's pool, workers). */
  mainCpuMs: number
  seconds: number
  tokens: number
  frames: number
  latencies: number[]
  /** The same, for each answer's first FIRST_TOKENS tokens only: the tail there is answers starting in waves. */
  firstLatencies: number[]
  /** Per answer: ms from sending the question to the first delta (grounding, admission and the upstream's first token). */
  ttft: number[]
  answers: number
  /** Redis calls by command while this server ran the round (only this server uses Redis). */
  redisCalls: Map<string, number>
  /** CPU per 1k tokens of each measured round, in order (totals only). */
  cpuPerRound: number[]
}

/** Commands this server sent to Redis per answer (script bodies not counted), by workload, from its warm-up round. */
const warmupSent = new Map<string, string>()

/**
 * Counts the commands clients send while `run` runs, with MONITOR (which slows Redis, so only the warm-up
 * round is watched): a script counts once, the commands it runs inside Redis (source "lua") not at all.
 */
async function countSent(client: Redis | undefined, run: () => Promise<RoundResult>): Promise<{ result: RoundResult; sent?: Map<string, number> }> {
  if (!client) return { result: await run() }
  const monitor = await client.monitor()
  const sent = new Map<string, number>()
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source === 'lua') return
    const command = String(args[0]).toLowerCase()
    sent.set(command, (sent.get(command) ?? 0) + 1)
  })
  try {
    return { result: await run(), sent }
  } finally {
    monitor.disconnect()
  }
}

/** Calls by command so far, from INFO commandstats (a deterministic count, unlike CPU on a shared machine). */
async function redisCalls(client: Redis | undefined): Promise<Map<string, number>> {
  const calls = new Map<string, number>()
  if (!client) return calls
  for (const line of (await client.info('commandstats')).split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line)
    if (match) calls.set(match[1]!, Number(match[2]))
  }
  return calls
}

function addCalls(into: Map<string, number>, after: Map<string, number>, before: Map<string, number>): void {
  for (const [command, calls] of after) {
    const grown = calls - (before.get(command) ?? 0) - (command === 'info' ? 1 : 0)
    if (grown > 0) into.set(command, (into.get(command) ?? 0) + grown)
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
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

/** One socket asking `chats` questions in turn; every token's latency, and the text checked exact. */
function client(ws: WebSocket, fake: FakeOpenAi, key: string, first: number, chats: number, paceMs: number, result: RoundResult): Promise<void> {
  return new Promise((resolve, reject) => {
    let chat = -1
    let clean = ''
    let expected = ''
    let boundaries: number[] = []
    let received = ''
    let next = 0
    let sentAt = 0
    const timer = setTimeout(() => reject(new Error(`${key}: timed out`)), 120_000)
    function ask() {
      chat++
      if (chat === chats) {
        clearTimeout(timer)
        ws.off('message', onMessage)
        return resolve()
      }
      const label = `${key} k${chat}`
      // The label keeps every question apart for the fake upstream's emit stamps.
      clean = `${QUESTIONS[(first + chat) % QUESTIONS.length]} (${label})`
      const question = `[[words:${TOKENS - 2}]] [[delay:${paceMs}]] ${clean}`
      const pieces = fake.chunksFor(question)
      expected = pieces.join('')
      boundaries = []
      let length = 0
      for (const piece of pieces) boundaries.push((length += piece.length))
      received = ''
      next = 0
      sentAt = performance.now()
      ws.send(JSON.stringify({ type: 'chat', content: question, messageId: label.replace(/ /g, '-') }))
    }
    function onMessage(data: WebSocket.RawData) {
      const now = performance.now()
      const frame = JSON.parse((data as Buffer).toString('utf8')) as { type: string; content?: string; error?: string }
      if (frame.type === 'chat_delta') {
        if (received === '') result.ttft.push(now - sentAt)
        result.frames++
        received += frame.content
        const emits = fake.emits.get(clean)!
        while (next < boundaries.length && received.length >= boundaries[next]!) {
          const latency = now - emits[next]!
          result.latencies.push(latency)
          if (next++ < FIRST_TOKENS) result.firstLatencies.push(latency)
        }
      } else if (frame.type === 'chat_complete') {
        if (received !== expected) return reject(new Error(`${key}: the answer text differs from what the upstream sent`))
        result.tokens += boundaries.length
        result.answers++
        ask()
      } else if (frame.type === 'error') {
        reject(new Error(`${key}: ${frame.error}`))
      }
    }
    ws.on('message', onMessage)
    ask()
  })
}

const emptyResult = (): RoundResult => ({ cpuMs: 0, mainCpuMs: 0, seconds: 0, tokens: 0, frames: 0, latencies: [], firstLatencies: [], ttft: [], answers: 0, redisCalls: new Map(), cpuPerRound: [] })

async function round(server: Server, fake: FakeOpenAi, tag: string, chats: number, paceMs: number): Promise<RoundResult> {
  const sockets = await openSockets(server.process.ws, CLIENTS)
  const result = emptyResult()
  const pid = server.process.child.pid!
  const callsBefore = await redisCalls(server.redis)
  const cpuBefore = cpuMs(pid)
  const splitBefore = cpuMsSplit(pid)
  const started = performance.now()
  await Promise.all(sockets.map((ws, i) => client(ws, fake, `${tag} c${i}`, i * chats, chats, paceMs, result)))
  result.seconds = (performance.now() - started) / 1000
  result.cpuMs = cpuMs(pid) - cpuBefore
  const splitAfter = cpuMsSplit(pid)
  result.mainCpuMs = splitBefore && splitAfter ? splitAfter.main - splitBefore.main : Number.NaN
  addCalls(result.redisCalls, await redisCalls(server.redis), callsBefore)
  for (const ws of sockets) ws.terminate()
  return result
}

/** A small deterministic generator: the same orders in every invocation with the same number of rounds. */
function seededRandom(seed: number): () => number {
  let state = (seed * 2654435761) >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

function shuffled(items: number[], random: () => number): number[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

/**
 * Every round runs each server once, in an order shuffled per round, so drift on a shared machine hits all alike.
 * Alternating a fixed order (forward, then backward) left each server always next to the same one: two identical
 * builds measured x1.15-x1.27 apart depending on their slot (the one next to the sdk baseline paid more).
 */
async function inRounds(servers: Server[], fake: FakeOpenAi, workload: string, chats: number, paceMs: number): Promise<RoundResult[]> {
  const totals = servers.map(emptyResult)
  for (const server of servers) {
    // A whole round, unmeasured: one question per socket left this server's first measured round ~30 % above
    // its later ones (code still being optimized), which a long-running server does not pay.
    const { result, sent } = await countSent(server.redis, () => round(server, fake, `${workload}-${server.name}-warmup`, chats, paceMs))
    if (sent === undefined) continue
    const perAnswer = [...sent].map(([command, n]) => [command, n / result.answers] as const).sort((a, b) => b[1] - a[1])
    const total = perAnswer.reduce((sum, [, n]) => sum + n, 0)
    warmupSent.set(workload, `${total.toFixed(2)} commands sent (MONITOR, warm-up round: ${perAnswer.map(([c, n]) => `${c} ${n.toFixed(2)}`).join(', ')})`)
  }
  const random = seededRandom(ROUNDS)
  for (let r = 0; r < ROUNDS; r++) {
    for (const i of shuffled(servers.map((_, i) => i), random)) {
      const result = await round(servers[i]!, fake, `${workload}-${servers[i]!.name}-r${r}`, chats, paceMs)
      const total = totals[i]!
      total.cpuMs += result.cpuMs
      total.mainCpuMs += result.mainCpuMs
      total.seconds += result.seconds
      total.tokens += result.tokens
      total.frames += result.frames
      // Not push(...): 200 clients x 20 chats x 50 tokens is more arguments than a call can take.
      append(total.latencies, result.latencies)
      append(total.firstLatencies, result.firstLatencies)
      append(total.ttft, result.ttft)
      total.answers += result.answers
      total.cpuPerRound.push((result.cpuMs / result.tokens) * 1000)
      for (const [command, calls] of result.redisCalls) total.redisCalls.set(command, (total.redisCalls.get(command) ?? 0) + calls)
    }
  }
  for (const total of totals) {
    total.latencies.sort((a, b) => a - b)
    total.firstLatencies.sort((a, b) => a - b)
    total.ttft.sort((a, b) => a - b)
  }
  return totals
}

/**
 * Resolves once the server logged `event` (e.g. the type checker's worker is warm: its heap grows the process's
 * RSS for seconds after start, which would be counted against the idle sockets), or after `ms` in any case.
 */
function logged(server: ServerProcess, event: string, ms: number): Promise<boolean> {
  const seen = () => server.stdout.some((line) => line.includes(`"event":"${event}"`))
  if (seen()) return Promise.resolve(true)
  return new Promise((resolve) => {
    const done = (found: boolean) => {
      clearTimeout(timer)
      server.child.stdout?.off('data', check)
      resolve(found)
    }
    // After the process helper's own listener has split the chunk into lines.
    const check = () => setImmediate(() => seen() && done(true))
    const timer = setTimeout(() => done(false), ms)
    server.child.stdout?.on('data', check)
  })
}

/**
 * RSS added per open idle socket, twice on the same process: every socket answered a ping first, so the server
 * holds them all, then all are closed. The first pass (fresh process) also counts the young generation growing
 * to its working size under the burst of upgrades: memory a server pays once, whatever its number of sockets,
 * which divided by 2000 reads as KB per socket (and grows with --max-semi-space-size). The second pass, the
 * same sockets again, measures what a server that has been running pays per socket.
 */
async function idleBytesPerSocket(server: Server): Promise<{ fresh: number; steady: number }> {
  const fresh = await idlePass(server)
  const steady = await idlePass(server)
  return { fresh, steady }
}

async function idlePass(server: Server): Promise<number> {
  const pid = server.process.child.pid!
  const before = rssBytes(pid)
  const sockets = await openSockets(server.process.ws, IDLE_SOCKETS)
  await Promise.all(sockets.map((ws) => new Promise((resolve) => {
    ws.once('pong', resolve)
    ws.ping()
  })))
  const after = rssBytes(pid)
  await Promise.all(sockets.map((ws) => new Promise((resolve) => {
    ws.once('close', resolve)
    ws.terminate()
  })))
  return (after - before) / IDLE_SOCKETS
}

interface Figure {
  label: string
  unit: string
  values: number[]
  digits: number
  /** Two chart lines, e.g. ['CPU / 1k tokens', 'saturation']; figures without one are not charted. */
  chart?: [string, string]
}

/**
 * CPU per 1k tokens of this server over each other server's, round by round (rounds run back to back, so a
 * round's ratio shares its moment of the machine): the spread says how far one invocation's ratio can be read.
 */
function printRoundRatios(servers: Server[], workload: string, results: RoundResult[]): void {
  const ours = results[0]!.cpuPerRound
  for (const [i, server] of servers.entries()) {
    if (i === 0) continue
    const ratios = ours.map((cpu, r) => cpu / results[i]!.cpuPerRound[r]!)
    const sorted = [...ratios].sort((a, b) => a - b)
    console.log(`${workload}: CPU per 1k tokens, server/${server.name} by round: ${ratios.map((x) => `x${x.toFixed(2)}`).join(' ')} (median x${percentile(sorted, 50).toFixed(2)})`)
  }
}

function printFigures(servers: Server[], figures: Figure[]): void {
  const [ours, sdk, bare, before] = [0, 1, 2, 3]
  const ratio = (v: number[], other: number, mark = 'x') => `${mark}${(v[ours]! / v[other]!).toFixed(2)}`
  for (const figure of figures) {
    const v = figure.values
    const cells = servers.map((s, i) => `${s.name} ${v[i]!.toFixed(figure.digits)}`)
    const beforeCell = servers.length > before ? `   server/before ${ratio(v, before)}` : ''
    console.log(`${figure.label.padEnd(34)} ${cells.join('   ')} ${figure.unit}   server/sdk ${ratio(v, sdk)}   server/bare ${ratio(v, bare)}${beforeCell}`)
  }
  const withBefore = servers.length > before
  console.log(
    `\n| figure | this server | sdk baseline | bare relay |${withBefore ? ' before |' : ''} server / sdk | server / bare |${withBefore ? ' server / before |' : ''}\n` +
      `|---|---|---|---|${withBefore ? '---|' : ''}---|---|${withBefore ? '---|' : ''}`,
  )
  for (const f of figures) {
    const v = f.values
    const cell = (i: number) => v[i]!.toFixed(f.digits)
    const beforeCells = withBefore ? [cell(before)] : []
    const beforeRatio = withBefore ? [ratio(v, before, '×')] : []
    const cells = [cell(ours), cell(sdk), cell(bare), ...beforeCells, ratio(v, sdk, '×'), ratio(v, bare, '×'), ...beforeRatio]
    console.log(`| ${f.label} (${f.unit}) | ${cells.join(' | ')} |`)
  }
}

/** The AI SDK stream against native SSE on this server, same workload, rounds alternating (bench/http-protocols.ts). */
async function printProtocols(server: Server, fake: FakeOpenAi): Promise<void> {
  const [sse, aiSdk] = await compareHttpProtocols({
    base: `http://127.0.0.1:${server.process.port}`,
    pid: server.process.child.pid!,
    fake,
    clients: HTTP_CLIENTS,
    chats: PACED_CHATS,
    tokens: TOKENS,
    paceMs: PACE_MS,
    rounds: ROUNDS,
  })
  console.log(`\nprotocols: ${HTTP_CLIENTS} HTTP clients x ${PACED_CHATS} chats x ${ROUNDS} rounds (alternating), a token every ${PACE_MS} ms, this server`)
  console.log('| figure | native SSE | AI SDK stream | AI SDK / SSE |\n|---|---|---|---|')
  const rows: [string, (r: ProtocolResult) => number, number][] = [
    ['CPU per 1k tokens (ms)', (r) => (r.cpuMs / r.tokens) * 1000, 1],
    ['relay latency p50 (ms)', (r) => percentile(r.latencies, 50), 2],
    ['relay latency p99 (ms)', (r) => percentile(r.latencies, 99), 2],
  ]
  for (const [label, value, digits] of rows) {
    console.log(`| ${label} | ${value(sse!).toFixed(digits)} | ${value(aiSdk!).toFixed(digits)} | ×${(value(aiSdk!) / value(sse!)).toFixed(2)} |`)
  }
}

/**
 * BENCH_PIN=1, with two cores or more: this process (the clients and the fake upstream) runs on CPU 0 and every
 * server, all its threads, on CPU 1. Use it for before/after: two identical builds read x0.93 apart pinned (in
 * shuffled rounds) but x1.09 unpinned, the first slot higher, and x1.27 pinned in the old fixed order. Off by
 * default, as the chart's runs have been: a pinned server cannot escape other work on its core.
 */
function pinCpus(pids: number[]): void {
  if (process.env.BENCH_PIN !== '1' || availableParallelism() < 2) return
  execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' })
  for (const pid of pids) execFileSync('taskset', ['-a', '-p', '-c', '1', String(pid)], { stdio: 'ignore' })
}

async function main() {
  // Before any server starts, so nothing else competes for the CPU it measures.
  for (const line of await groundingReport()) console.log(line)
  const fake = await startFakeOpenAi({ chunkDelayMs: PACE_MS })
  const redis: RedisServer | undefined = WITH_REDIS ? await startRedis() : undefined
  const env = { OPENAI_API_KEY: 'sk-bench', OPENAI_BASE_URL: fake.url, LOG_LEVEL: 'info', NODE_ENV: 'production' }
  // Every feature on: limits high enough never to refuse the benchmark, but counted on every chat.
  const ourEnv: Record<string, string> = {
    ...env,
    ...LIMITS_NEVER_REFUSING,
    ...(KNOWLEDGE ? {} : { KNOWLEDGE_ENABLED: 'false' }),
    ...(redis ? { REDIS_URL: redis.url } : {}),
  }
  if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true })
  const profileFlags = (name: string) => (PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(PROFILE_DIR, name)}`] : [])
  const ourFlags = [...shippedNodeFlags(), ...profileFlags('server')]
  const beforeFlags = process.env.BENCH_BEFORE_NODE_FLAGS === undefined ? ourFlags : process.env.BENCH_BEFORE_NODE_FLAGS.split(' ').filter(Boolean)
  const started = await Promise.all([
    startProcess(ourEnv, buildServer(), ourFlags),
    startProcess(env, fileURLToPath(new URL('./baseline-server.js', import.meta.url))),
    // The bare relay profiled too: what this server spends beyond it shows as the difference of two profiles.
    startProcess(env, fileURLToPath(new URL('./bare-relay-server.js', import.meta.url)), profileFlags('bare')),
    ...(BEFORE_ENTRY ? [startProcess({ ...ourEnv, ...BEFORE_ENV }, BEFORE_ENTRY, beforeFlags)] : []),
  ])
  pinCpus(started.map((s) => s.child.pid!))
  const servers: Server[] = [
    { name: 'server', process: started[0], ...(redis ? { redis: new Redis(redis.url, { lazyConnect: false }) } : {}) },
    { name: 'sdk', process: { ...started[1], ws: `ws://127.0.0.1:${started[1].port}/` } },
    { name: 'bare', process: { ...started[2], ws: `ws://127.0.0.1:${started[2].port}/` } },
    ...(started[3] ? [{ name: 'before', process: started[3] }] : []),
  ]
  try {
    console.log(
      `relay benchmark: ${CLIENTS} sockets x ${ROUNDS} rounds (every server once per round, shuffled${process.env.BENCH_PIN === '1' ? '; servers on CPU 1, clients on CPU 0' : ''}), ${TOKENS} tokens per answer; saturation: ${SATURATION_CHATS} chats each, no delay; ` +
        `paced: ${PACED_CHATS} chats each, a token every ${PACE_MS} ms; ${IDLE_SOCKETS} idle sockets; this server with Redis ${redis ? 'on' : 'off'}, ` +
        `knowledge grounding ${KNOWLEDGE ? 'on (the default)' : 'off'}, node flags: ${ourFlags.join(' ') || 'none'}`,
    )
    const figures: Figure[] = []
    // Before any workload: the type checker's warm-up (seconds of CPU in its worker) would count as serving.
    const ours = servers.filter((s) => s.name === 'server' || s.name === 'before')
    const warm = await Promise.all(ours.map((s) => logged(s.process, 'code_check_warm', 120_000)))
    if (warm.includes(false)) console.log('(the type checker did not report warm within 2 minutes: the first figures may include its warm-up)')
    // Memory first, on processes that have not yet grown their heaps for streaming.
    if (WORKLOADS.has('idle')) {
      const idle: { fresh: number; steady: number }[] = []
      for (const server of servers) idle.push(await idleBytesPerSocket(server))
      figures.push(
        { label: 'idle socket RSS, fresh process', unit: 'KB/socket', values: idle.map((b) => b.fresh / 1024), digits: 1 },
        { label: 'idle socket RSS', unit: 'KB/socket', values: idle.map((b) => b.steady / 1024), digits: 1, chart: ['KB RSS / socket', 'idle'] },
      )
    }
    if (WORKLOADS.has('saturation')) {
      const saturation = await inRounds(servers, fake, 'saturation', SATURATION_CHATS, 0)
      printRedisCalls('saturation', saturation[0]!)
      printRoundRatios(servers, 'saturation', saturation)
      figures.push(
        { label: 'saturation: server CPU per 1k tokens', unit: 'ms', values: saturation.map((r) => (r.cpuMs / r.tokens) * 1000), digits: 1, chart: ['CPU ms / 1k tokens', 'saturation'] },
        // Where it went: the event loop, or the other threads (GC helpers, libuv's pool writing the log, workers).
        { label: 'saturation: main thread CPU / 1k tokens', unit: 'ms', values: saturation.map((r) => (r.mainCpuMs / r.tokens) * 1000), digits: 1 },
        { label: 'saturation: tokens delivered/s', unit: 'tokens/s', values: saturation.map((r) => r.tokens / r.seconds), digits: 0, chart: ['tokens/s (higher better)', 'saturation'] },
        { label: 'saturation: tokens per frame', unit: 'tokens', values: saturation.map((r) => r.tokens / r.frames), digits: 2 },
        { label: 'saturation: time to first token p50', unit: 'ms', values: saturation.map((r) => percentile(r.ttft, 50)), digits: 1, chart: ['TTFT p50 ms', 'saturation'] },
        // The issue's own latency figure (200 clients, no delay): queueing in the server, which fewer frames shorten.
        { label: 'saturation: relay latency p50', unit: 'ms', values: saturation.map((r) => percentile(r.latencies, 50)), digits: 1 },
        { label: 'saturation: relay latency p99', unit: 'ms', values: saturation.map((r) => percentile(r.latencies, 99)), digits: 1 },
        // What the young generation's cap costs in memory at load: the container's limit must hold the peak.
        { label: 'peak RSS so far (VmHWM)', unit: 'MB', values: servers.map((s) => peakRssBytes(s.process.child.pid!) / 2 ** 20), digits: 0 },
      )
    }
    if (WORKLOADS.has('paced')) {
      const paced = await inRounds(servers, fake, 'paced', PACED_CHATS, PACE_MS)
      printRedisCalls('paced', paced[0]!)
      printRoundRatios(servers, 'paced', paced)
      figures.push(
        { label: `paced ${PACE_MS} ms: relay latency p50`, unit: 'ms', values: paced.map((r) => percentile(r.latencies, 50)), digits: 2, chart: ['latency p50 ms', `paced ${PACE_MS} ms`] },
        { label: `paced ${PACE_MS} ms: relay latency p99`, unit: 'ms', values: paced.map((r) => percentile(r.latencies, 99)), digits: 2, chart: ['latency p99 ms', `paced ${PACE_MS} ms`] },
        { label: `paced ${PACE_MS} ms: p99, first ${FIRST_TOKENS} tokens`, unit: 'ms', values: paced.map((r) => percentile(r.firstLatencies, 99)), digits: 2 },
        { label: `paced ${PACE_MS} ms: tokens per frame`, unit: 'tokens', values: paced.map((r) => r.tokens / r.frames), digits: 2 },
        // Offered: every socket a token per PACE_MS; delivered below that means the pacing itself fell behind.
        { label: `paced ${PACE_MS} ms: tokens delivered/s`, unit: 'tokens/s', values: paced.map((r) => r.tokens / r.seconds), digits: 0 },
        { label: `paced ${PACE_MS} ms: time to first token p50`, unit: 'ms', values: paced.map((r) => percentile(r.ttft, 50)), digits: 1 },
        { label: `paced ${PACE_MS} ms: server CPU per 1k tokens`, unit: 'ms', values: paced.map((r) => (r.cpuMs / r.tokens) * 1000), digits: 1, chart: ['CPU ms / 1k tokens', `paced ${PACE_MS} ms`] },
      )
    }
    if (figures.length > 0) printFigures(servers, figures)
    if (WORKLOADS.has('protocols')) await printProtocols(servers[0]!, fake)
    if (CHART && figures.length > 0) {
      const shown = figures.filter((f) => f.chart)
      writeFileSync(
        CHART,
        renderChart({
          title: 'Relay benchmark, relative to the bare relay (one run; lower is better except tokens/s)',
          series: ['this server (all features, Redis)', 'sdk baseline', 'bare relay'],
          reference: 2,
          groups: shown.map((f) => ({ label: `${f.chart![0]} (${f.chart![1]})`, values: f.values.slice(0, 3), format: (v) => v.toFixed(f.digits) })),
        }),
      )
      console.log(`\nchart written to ${path.relative(process.cwd(), CHART)}`)
    }
  } finally {
    for (const { process: p } of servers) p.child.kill('SIGTERM')
    await Promise.all(servers.map(({ process: p }) => p.exited))
    servers[0]?.redis?.disconnect()
    await redis?.stop()
    await fake.close()
  }
}

await main()
