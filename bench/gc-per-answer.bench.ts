/**
 * What an answer costs the garbage collector: the compiled server under saturation load (200 sockets, 50-token
 * answers, no delay, Redis off, knowledge on), run with the shipped node flags and `--trace-gc-nvp`, and the
 * main isolate's scavenges over the measured rounds summed per answer: bytes allocated (how many scavenges),
 * bytes still alive at a scavenge (what each one copies) and bytes promoted (what dies old). These move with
 * the code, not with the machine's load, so they show a change of a few per cent the relay bench cannot
 * (docs/benchmarks.md, Round 11). Traffic goes to 127.0.0.1 only; it stops by itself.
 *
 *   npm run bench:gc        BENCH_GC_ROUNDS=4 (x 200 sockets x 20 answers), BENCH_NODE_FLAGS, BENCH_SERVER_ENTRY
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import WebSocket from 'ws'
import { startFakeOpenAi } from '../app/test/support/fake-openai.js'
import { LIMITS_NEVER_REFUSING } from './server-env.js'
import { buildServer, shippedNodeFlags } from './build.js'
import { cpuMs } from './proc-stats.js'

const ROUNDS = Number(process.env.BENCH_GC_ROUNDS ?? 4)
const SOCKETS = 200
const ANSWERS_PER_SOCKET = 20

interface GcLine {
  isolate: string
  fields: Record<string, string>
}

/** `[pid:0xisolate:n]   123 ms: pause=... gc=s ... allocated=...` -> the isolate and its key=value fields. */
function gcLine(line: string): GcLine | undefined {
  const match = /^\[\d+:(0x[0-9a-f]+):\d+\]\s+\d+ ms: (.*)$/.exec(line)
  if (!match) return undefined
  const fields = Object.fromEntries(match[2]!.split(' ').filter((f) => f.includes('=')).map((f) => f.split('=', 2) as [string, string]))
  return { isolate: match[1]!, fields }
}

async function startTraced(env: Record<string, string>) {
  const child = spawn(process.execPath, [...shippedNodeFlags(), '--trace-gc-nvp', buildServer()], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  const gc: GcLine[] = []
  let mainIsolate: string | undefined
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before it listened`)))
    createInterface({ input: child.stdout }).on('line', (line) => {
      const parsed = gcLine(line)
      // The main isolate collects first, at start; the type checker's worker has its own.
      if (parsed) {
        mainIsolate ??= parsed.isolate
        if (parsed.isolate === mainIsolate) gc.push(parsed)
      } else if (line.startsWith('{') && line.includes('"event":"listening"')) resolve((JSON.parse(line) as { port: number }).port)
    })
  })
  return { child, port, gc }
}

async function askInTurn(url: string, socket: number, count: number, round: string): Promise<void> {
  const ws = new WebSocket(url, { perMessageDeflate: false })
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  for (let k = 0; k < count; k++) {
    await new Promise<void>((resolve, reject) => {
      const onMessage = (data: WebSocket.RawData) => {
        const frame = JSON.parse((data as Buffer).toString('utf8')) as { type: string; error?: string }
        if (frame.type === 'chat_complete') {
          ws.off('message', onMessage)
          resolve()
        } else if (frame.type === 'error') reject(new Error(frame.error))
      }
      ws.on('message', onMessage)
      ws.send(JSON.stringify({ type: 'chat', content: `[[words:48]] How do I create a fungible token? (${round} socket ${socket}, question ${k})`, messageId: `${round}-${socket}-${k}` }))
    })
  }
  ws.close()
}

async function main() {
  const fake = await startFakeOpenAi({ chunkDelayMs: 0 })
  const server = await startTraced({
    OPENAI_API_KEY: 'sk-bench',
    OPENAI_BASE_URL: fake.url,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    NODE_ENV: 'production',
    ...LIMITS_NEVER_REFUSING,
  })
  try {
    const url = `ws://127.0.0.1:${server.port}/ws/chat`
    const sockets = Array.from({ length: SOCKETS }, (_, i) => i)
    // A warm-up round compiles the hot paths and grows the young generation; it is not counted.
    await Promise.all(sockets.map((i) => askInTurn(url, i, 2, 'warm')))
    const from = server.gc.length
    const cpuBefore = cpuMs(server.child.pid!)
    for (let round = 0; round < ROUNDS; round++) await Promise.all(sockets.map((i) => askInTurn(url, i, ANSWERS_PER_SOCKET, `r${round}`)))
    const cpu = cpuMs(server.child.pid!) - cpuBefore
    const answers = ROUNDS * SOCKETS * ANSWERS_PER_SOCKET
    const measured = server.gc.slice(from)
    const scavenges = measured.filter((l) => l.fields.gc === 's')
    const sum = (field: string) => scavenges.reduce((n, l) => n + Number(l.fields[field] ?? 0), 0)
    const perAnswer = (bytes: number) => `${(bytes / answers / 1024).toFixed(1)} KB`
    console.log(`gc per answer: ${answers} answers of 50 tokens at saturation, node flags: ${shippedNodeFlags().join(' ') || '(none)'}`)
    console.log(`  scavenges ${scavenges.length} (${(answers / Math.max(1, scavenges.length)).toFixed(0)} answers each), full GCs ${measured.length - scavenges.length}`)
    console.log(`  per answer: allocated ${perAnswer(sum('allocated'))}, alive at a scavenge ${perAnswer(sum('new_space_survived'))}, promoted ${perAnswer(sum('promoted'))}`)
    console.log(`  server CPU per answer ${(cpu / answers).toFixed(3)} ms (all threads; the machine's load moves this one)`)
  } finally {
    server.child.kill('SIGTERM')
    await fake.close()
  }
}

await main()
