/**
 * Code check benchmark: the latency of a review's worker check (compiler + syntax checks) on 50/200/1000-line files (first check after start, then warm p50/p95),
 * the syntax checks' share (rules + name check, which run in the worker beside the compiler), the memory the
 * compiler adds, and the event-loop delay p99 while reviews run, against the same loop idle in the same invocation.
 *
 *   npm run bench:code
 *   BENCH_ROUNDS=40 npm run bench:code
 */
import { fileURLToPath } from 'node:url'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { cpus, loadavg } from 'node:os'
import { createTypeChecker } from '../app/src/code/type-check/checker.js'
import { staticChecks } from '../app/src/code/review/static-checks.js'
import { loadKnowledge } from '../app/src/knowledge/knowledge-base.js'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30)
const SIZES = [50, 200, 1000]

/** One block of ordinary playground code (10 lines); `i` keeps names distinct and `v` changes a literal per edit. */
function block(i: number, v: number): string {
  return [
    `const tx${i} = new TransferTransaction()`,
    `  .addHbarTransfer(operatorId, new Hbar(-${v + 1}))`,
    `  .addHbarTransfer('0.0.${1000 + i}', new Hbar(${v + 1}))`,
    `  .setTransactionMemo('payment ${i}')`,
    `const response${i} = await tx${i}.execute(client)`,
    `const receipt${i} = await response${i}.getReceipt(client)`,
    `console.log('transfer ${i}', receipt${i}.status.toString())`,
    `const balance${i} = await new AccountBalanceQuery().setAccountId('0.0.${1000 + i}').execute(client)`,
    `if (balance${i}.hbars.toTinybars().toNumber() < ${v}) console.log('low balance ${i}')`,
    '',
  ].join('\n')
}

function file(lines: number, v: number): string {
  const head = [
    "import { AccountBalanceQuery, AccountId, Client, Hbar, PrivateKey, TransferTransaction } from '@hiero-ledger/sdk'",
    'const operatorId = AccountId.fromString(process.env.OPERATOR_ID!)',
    'const client = Client.forTestnet().setOperator(operatorId, PrivateKey.fromStringECDSA(process.env.OPERATOR_KEY!))',
    '',
  ].join('\n')
  const blocks = Math.max(1, Math.round((lines - 4) / 10))
  return head + '\n' + Array.from({ length: blocks }, (_, i) => block(i, v)).join('\n')
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}
const ms = (n: number) => n.toFixed(1)
const mb = (n: number) => (n / 1024 / 1024).toFixed(0)

interface Sample {
  wall: number
  cpu: number
}

async function main(): Promise<void> {
  const knowledge = loadKnowledge(fileURLToPath(new URL('../knowledge', import.meta.url)))
  const root = fileURLToPath(new URL('..', import.meta.url))
  const rssBefore = process.memoryUsage().rss
  const started = performance.now()
  // The worker reviewCode uses: compiler + syntax checks; the main thread only merges the two lists.
  const checker = createTypeChecker({ root, timeoutMs: 60_000 })
  const warmed = await checker.warm()
  const warmMs = performance.now() - started
  if ('skipped' in warmed) throw new Error(warmed.skipped)

  const lag = monitorEventLoopDelay({ resolution: 5 })
  // Idle baseline: the same loop for a comparable time, no checks.
  lag.enable()
  await new Promise((resolve) => setTimeout(resolve, 3000))
  lag.disable()
  const idleP99 = lag.percentile(99) / 1e6
  lag.reset()

  const rows: string[] = []
  let first: Sample | undefined
  lag.enable()
  for (const size of SIZES) {
    const samples: Sample[] = []
    for (let r = 0; r <= ROUNDS; r++) {
      const t0 = performance.now()
      const result = await checker.check(file(size, r), false)
      const wall = performance.now() - t0
      if ('skipped' in result) throw new Error(`${size} lines: ${result.skipped}`)
      if (first === undefined) first = { wall, cpu: result.cpuMs }
      else if (r > 0) samples.push({ wall, cpu: result.cpuMs })
    }
    const local: number[] = []
    // The syntax checks alone, measured here outside the checks (in a review they run in the worker).
    lag.disable()
    for (let r = 0; r <= ROUNDS; r++) {
      const text = file(size, r)
      const s0 = performance.now()
      staticChecks(text, false, { knowledge })
      local.push(performance.now() - s0)
    }
    lag.enable()
    const wall = samples.map((s) => s.wall)
    const cpu = samples.map((s) => s.cpu)
    rows.push(`| ${size} | ${ms(percentile(wall, 50))} | ${ms(percentile(wall, 95))} | ${ms(percentile(cpu, 50))} | ${ms(percentile(cpu, 95))} | ${ms(percentile(local, 50))} |`)
  }
  lag.disable()
  const busyP99 = lag.percentile(99) / 1e6
  const rssAfter = process.memoryUsage().rss
  const workerHeap = checker.heapBytes()
  await checker.close()

  console.log(`code-check bench: ${ROUNDS} warm checks per size, each an edited file (a literal changes per round); load average ${loadavg().map((n) => n.toFixed(1)).join(' ')} on ${cpus().length} cores\n`)
  console.log(`worker start + warm-up: ${ms(warmMs)} ms; first check after start (50 lines): ${ms(first?.wall ?? NaN)} ms wall, ${ms(first?.cpu ?? NaN)} ms CPU\n`)
  console.log('| lines | check p50 ms | check p95 ms | worker CPU p50 ms | worker CPU p95 ms | syntax checks alone p50 ms |')
  console.log('|---:|---:|---:|---:|---:|---:|')
  for (const row of rows) console.log(row)
  console.log(`\nmemory: process RSS +${mb(rssAfter - rssBefore)} MB after start and the checks; the worker's heap ${mb(workerHeap)} MB`)
  console.log(`event-loop delay p99: idle ${ms(idleP99)} ms, while checking ${ms(busyP99)} ms (ratio ${(busyP99 / idleP99).toFixed(2)})`)
}

await main()
