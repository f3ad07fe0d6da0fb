/**
 * The per-token path in process, where the relay bench cannot see a few percent through this machine's noise:
 * tokens into live answers (the coalescer, the frame and its JSON, the answer's log) and out to one subscriber
 * per answer, which takes each frame's JSON as a socket's send would. Against a baseline doing what the bare
 * relay does per token (one JSON.stringify of a small frame), and against an earlier build
 * (BENCH_BEFORE_DIST, its compiled dist/ folder) in the same invocation, rounds alternating. The build runs with
 * the product's defaults (coalescing window, log bound) read from its own configuration. Tokens are 4 ms apart,
 * past the default 3 ms window: one delta per token, as at the relay bench's 5 ms pacing. Reports CPU and GC
 * time per 1k tokens (rounds' median) and the ratios.
 *
 *   npm run bench:answer-path
 *   BENCH_BEFORE_DIST=.bench/r6/dist npm run bench:answer-path
 */
import path from 'node:path'
import { PerformanceObserver } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import type { Answer as AnswerClass } from '../app/src/chat/answer.js'
import type { createLocalCoordinator as CreateCoordinator } from '../app/src/chat/coordinator.js'
import type { buildConfig as BuildConfig, parseEnv as ParseEnv } from '../app/src/config/config.js'
import type { ServerFrame } from '../app/src/protocol/frames.js'
import { buildServer } from './build.js'

const LIVE = Number(process.env.BENCH_LIVE_ANSWERS ?? 1000)
const TOKENS = Number(process.env.BENCH_TOKENS ?? 50)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12)
/** Rounds left out of the medians: the code is still being optimized. */
const WARMUP = 2
const TOKEN_GAP_MS = 4

/** One live answer as the workload drives it. */
interface Stream {
  start(): void
  token(text: string): void
  end(): void
}

interface Contender {
  name: string
  streams(sink: (json: string) => void): Stream[]
}

const ids = (i: number) => ({ messageId: `r0-c${i}-k1`, conversationId: `0577ac67-f9b7-4a6c-8fcb-${String(i).padStart(12, '0')}` })

/** What the bare relay does per token: a small frame, serialized once, sent. */
const bare: Contender = {
  name: 'bare',
  streams: (sink) =>
    Array.from({ length: LIVE }, (_, i) => {
      const { messageId } = ids(i)
      let seq = 0
      return {
        start: () => sink(JSON.stringify({ type: 'chat_start', messageId })),
        token: (content: string) => sink(JSON.stringify({ type: 'chat_delta', messageId, seq: seq++, content })),
        end: () => sink(JSON.stringify({ type: 'chat_complete', messageId })),
      }
    }),
}

/** A compiled build's Answer with the defaults of its own configuration and a local coordinator. */
async function build(name: string, dist: string): Promise<Contender> {
  const load = <T>(file: string) => import(pathToFileURL(path.join(dist, file)).href) as Promise<T>
  const { Answer } = await load<{ Answer: typeof AnswerClass }>('chat/answer.js')
  const { createLocalCoordinator } = await load<{ createLocalCoordinator: typeof CreateCoordinator }>('chat/coordinator.js')
  const { parseEnv, buildConfig } = await load<{ parseEnv: typeof ParseEnv; buildConfig: typeof BuildConfig }>('config/config.js')
  const { answers } = buildConfig(parseEnv({}), {}, 'bench')
  return {
    name,
    streams(sink) {
      const coordinator = createLocalCoordinator()
      return Array.from({ length: LIVE }, (_, i) => {
        const answer = new Answer(ids(i), undefined, answers.logMaxFrames, answers.resumeGraceMs, coordinator, answers.deltaCoalesceMs)
        answer.attach((frame: ServerFrame, json?: string) => sink(json ?? JSON.stringify(frame)))
        return {
          start: () => answer.emit({ type: 'chat_start', ...answer.ids, metadata: { model: 'gpt-4o' } }),
          token: (text: string) => answer.delta(text),
          end: () => answer.end({ type: 'chat_complete', ...answer.ids, metadata: { model: 'gpt-4o', finishReason: 'stop' } }),
        }
      })
    },
  }
}

let gcMs = 0
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration
}).observe({ entryTypes: ['gc'] })

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** One round: every answer starts, gets TOKENS tokens (one per answer every TOKEN_GAP_MS), ends. CPU and GC ms. */
async function round(contender: Contender): Promise<{ cpuMs: number; gcMs: number; bytes: number }> {
  let bytes = 0
  const streams = contender.streams((json) => (bytes += json.length))
  gcMs = 0
  const before = process.cpuUsage()
  for (const s of streams) s.start()
  for (let t = 0; t < TOKENS; t++) {
    await pause(TOKEN_GAP_MS)
    for (const s of streams) s.token(` tok${t}`)
  }
  await pause(TOKEN_GAP_MS)
  for (const s of streams) s.end()
  // The last scheduled sends and their garbage belong to this round.
  await pause(20)
  const used = process.cpuUsage(before)
  return { cpuMs: (used.user + used.system) / 1000, gcMs, bytes }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

async function main() {
  const contenders = [await build('this build', path.dirname(buildServer())), bare]
  if (process.env.BENCH_BEFORE_DIST) contenders.push(await build('before', path.resolve(process.env.BENCH_BEFORE_DIST)))
  const results = contenders.map(() => ({ cpu: [] as number[], gc: [] as number[], bytes: 0 }))
  for (let r = 0; r < ROUNDS + WARMUP; r++) {
    const order = contenders.map((_, i) => (r % 2 === 0 ? i : contenders.length - 1 - i))
    for (const i of order) {
      const result = await round(contenders[i]!)
      if (r < WARMUP) continue
      results[i]!.cpu.push(result.cpuMs)
      results[i]!.gc.push(result.gcMs)
      results[i]!.bytes = result.bytes
    }
  }
  const perK = 1000 / (LIVE * TOKENS)
  console.log(`answer path: ${LIVE} live answers x ${TOKENS} tokens, ${TOKEN_GAP_MS} ms apart, ${ROUNDS} rounds (alternating); ms per 1k tokens, rounds' median`)
  const ours = results[0]!
  for (const [i, contender] of contenders.entries()) {
    const r = results[i]!
    const ratio = i === 0 ? '' : `   this build / ${contender.name}: CPU x${(median(ours.cpu) / median(r.cpu)).toFixed(2)}`
    console.log(`${contender.name.padEnd(11)} CPU ${(median(r.cpu) * perK).toFixed(2)}   GC ${(median(r.gc) * perK).toFixed(2)}   bytes sent ${r.bytes}${ratio}`)
  }
}

await main()
