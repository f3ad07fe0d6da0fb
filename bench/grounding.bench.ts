/**
 * Grounding micro-benchmark: CPU per question of retrieval plus the context block (what a model answer pays
 * before its request goes upstream), p50/p99, without history and with 20 turns, over the eval questions.
 * Also the event-loop delay while a stream of such questions (and a few very long ones) is grounded.
 *
 *   npx tsx bench/grounding.bench.ts
 *   BENCH_GROUNDING_ROUNDS=20 npx tsx bench/grounding.bench.ts
 */
import { readFileSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { buildGrounding } from '../app/src/chat/prompt.js'
import { loadKnowledge, type KnowledgeBase } from '../app/src/knowledge/knowledge-base.js'

const root = fileURLToPath(new URL('../', import.meta.url))
const ROUNDS = Number(process.env.BENCH_GROUNDING_ROUNDS ?? 10)
const HISTORY_TURNS = 20

export interface GroundingCost {
  p50: number
  p99: number
  max: number
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

/** CPU ms (user + system) of one call, measured with process.cpuUsage around it. */
function cpuOf(run: () => unknown): number {
  const before = process.cpuUsage()
  run()
  const used = process.cpuUsage(before)
  return (used.user + used.system) / 1000
}

/** One question's grounding as the answer service does it: the user turns of the history, retrieval, the block. */
export function groundOne(kb: KnowledgeBase, question: string, history: string[]): void {
  buildGrounding(kb.retrieve(question, history))
}

/**
 * CPU per question over ROUNDS passes of the questions. Each question is a new conversation turn (its history
 * is the questions before it), so an identical (question, turns) pair repeats only across rounds, as a retried
 * or regenerated answer would.
 */
export function measureGrounding(kb: KnowledgeBase, questions: string[], turns: number, rounds = ROUNDS): GroundingCost {
  const samples: number[] = []
  for (let round = 0; round < rounds; round++) {
    for (const [n, question] of questions.entries()) {
      const history = turns === 0 ? [] : Array.from({ length: turns }, (_, k) => `${questions[(n + k + 1) % questions.length]!} (round ${round})`)
      samples.push(cpuOf(() => groundOne(kb, question, history)))
    }
  }
  samples.sort((a, b) => a - b)
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples.at(-1)! }
}

/** Event-loop delay (p99, max) while questions are grounded one per macrotask, a long pasted log among them. */
export async function measureLag(kb: KnowledgeBase, questions: string[]): Promise<{ p99: number; max: number; longCpu: number }> {
  const long = `my transaction fails, here is the log: ${'ERROR INVALID_SIGNATURE at TransferTransaction.execute (node_modules/@hiero-ledger/sdk/lib/Executable.js:123) '.repeat(2000)}`
  const histogram = monitorEventLoopDelay({ resolution: 1 })
  histogram.enable()
  const longCpu: number[] = []
  for (const [n, question] of questions.entries()) {
    await new Promise((resolve) => setImmediate(resolve))
    if (n % 20 === 0) longCpu.push(cpuOf(() => groundOne(kb, long, [long, long])))
    else groundOne(kb, question, questions.slice(Math.max(0, n - HISTORY_TURNS), n))
  }
  histogram.disable()
  longCpu.sort((a, b) => a - b)
  return { p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6, longCpu: percentile(longCpu, 50) }
}

/**
 * A conversation as the server sees it: each question arrives with the questions before it as history, so its
 * recent turns were searched when they were asked. Questions are made unique per round so no retrieval repeats;
 * one unmeasured pass first stands for a server that has seen its users' vocabulary (the per-word cache).
 */
export function measureConversation(kb: KnowledgeBase, questions: string[], rounds = ROUNDS): GroundingCost {
  const samples: number[] = []
  for (let round = -1; round < rounds; round++) {
    const asked = questions.map((q) => `${q} r${round}x`)
    for (const [n, question] of asked.entries()) {
      const cpu = cpuOf(() => groundOne(kb, question, asked.slice(Math.max(0, n - HISTORY_TURNS), n)))
      if (round >= 0) samples.push(cpu)
    }
  }
  samples.sort((a, b) => a - b)
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples.at(-1)! }
}

/** Event-loop delay p99 of the same loop of macrotasks with no grounding in them: the machine's own noise. */
async function idleLag(turns: number): Promise<number> {
  const histogram = monitorEventLoopDelay({ resolution: 1 })
  histogram.enable()
  for (let n = 0; n < turns; n++) await new Promise((resolve) => setImmediate(resolve))
  histogram.disable()
  return histogram.percentile(99) / 1e6
}

/** The grounding report, one line each: CPU per question cold and warm, with and without history, and event-loop lag. */
export async function groundingReport(): Promise<string[]> {
  // Caches off: every question pays for all its searches, the cost of a question made of words never seen before.
  const cold = loadKnowledge(`${root}knowledge`, { cacheSize: 0 })
  const warm = loadKnowledge(`${root}knowledge`)
  const questions = (JSON.parse(readFileSync(`${root}knowledge/eval/questions.json`, 'utf8')) as { question: string }[]).map((q) => q.question)
  measureGrounding(cold, questions, 0, 1)
  const bare = measureGrounding(cold, questions, 0)
  const withHistory = measureGrounding(cold, questions, HISTORY_TURNS)
  const conversation = measureConversation(warm, questions)
  const lag = await measureLag(cold, questions)
  const noise = await idleLag(questions.length)
  const f = (n: number) => n.toFixed(3)
  const line = (name: string, c: GroundingCost) => `${name.padEnd(56)} p50 ${f(c.p50)} ms, p99 ${f(c.p99)} ms, max ${f(c.max)} ms`
  return [
    `grounding CPU per question (retrieve + context block, in process, ${questions.length} eval questions x ${ROUNDS}); targets p50 <= 0.3 ms, p99 <= 1 ms with ${HISTORY_TURNS} turns`,
    line('  caches off, no history', bare),
    line(`  caches off, ${HISTORY_TURNS} turns of history`, withHistory),
    line(`  default caches, new questions, ${HISTORY_TURNS}-turn conversation`, conversation),
    `  event-loop delay p99 while grounding (caches off, a 200 kB pasted question every 20): ${f(lag.p99)} ms (max ${f(lag.max)}), ` +
      `same loop without grounding ${f(noise)} ms; the pasted question (with itself as 2 recent turns) costs ${f(lag.longCpu)} ms CPU (median)`,
  ]
}

async function main(): Promise<void> {
  for (const line of await groundingReport()) console.log(line)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
}
