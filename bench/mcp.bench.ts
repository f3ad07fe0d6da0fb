/**
 * MCP endpoint benchmark: the same knowledge search from the same compiled server, asked over
 * GET /api/knowledge/search (the baseline) and as a tools/call over POST /mcp (a fresh stateless MCP server per
 * request), in alternating rounds. Prints latency p50/p99 and requests per second for both, and the ratios:
 * the difference is the MCP layer (JSON-RPC, schemas, the per-request server). Traffic goes to 127.0.0.1 only.
 *
 *   npm run bench:mcp
 *   BENCH_CLIENTS=20 BENCH_REQUESTS=200 npm run bench:mcp
 */
import { startProcess } from '../app/test/support/process.js'
import { buildServer } from './build.js'

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 10)
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4)
const QUERIES = ['associate a token with an account', 'INVALID_SIGNATURE', 'transfer hbar', 'create a topic and submit a message', 'schedule a transaction']

type Mode = 'search' | 'mcp'

async function one(base: string, mode: Mode, query: string, id: number): Promise<number> {
  const started = performance.now()
  const response =
    mode === 'search'
      ? await fetch(`${base}/api/knowledge/search?q=${encodeURIComponent(query)}&limit=6`)
      : await fetch(`${base}/mcp`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
          body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'search_knowledge', arguments: { query, limit: 6 } } }),
        })
  const body = await response.text()
  if (!response.ok || (mode === 'mcp' && !body.includes('"hits"'))) throw new Error(`${mode}: HTTP ${response.status} ${body.slice(0, 300)}`)
  return performance.now() - started
}

async function round(base: string, mode: Mode): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = []
  const started = performance.now()
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      for (let i = 0; i < REQUESTS; i++) latencies.push(await one(base, mode, QUERIES[(c + i) % QUERIES.length]!, i))
    }),
  )
  return { latencies, seconds: (performance.now() - started) / 1000 }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

async function main(): Promise<void> {
  const server = await startProcess({ LOG_LEVEL: 'info', NODE_ENV: 'production', LLM_PROVIDER: 'offline' }, buildServer())
  try {
    await round(server.http, 'search') // warm both paths before measuring
    await round(server.http, 'mcp')
    const totals: Record<Mode, { latencies: number[]; seconds: number }> = { search: { latencies: [], seconds: 0 }, mcp: { latencies: [], seconds: 0 } }
    for (let r = 0; r < ROUNDS; r++) {
      for (const mode of (r % 2 === 0 ? ['search', 'mcp'] : ['mcp', 'search']) as Mode[]) {
        const result = await round(server.http, mode)
        for (const latency of result.latencies) totals[mode].latencies.push(latency)
        totals[mode].seconds += result.seconds
      }
    }
    const stats = (mode: Mode) => {
      const sorted = totals[mode].latencies.sort((a, b) => a - b)
      return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), rps: sorted.length / totals[mode].seconds }
    }
    const search = stats('search')
    const mcp = stats('mcp')
    const f = (n: number) => n.toFixed(2)
    console.log(`${CLIENTS} clients x ${REQUESTS} requests x ${ROUNDS} rounds per mode`)
    console.log(`GET /api/knowledge/search: p50 ${f(search.p50)} ms, p99 ${f(search.p99)} ms, ${search.rps.toFixed(0)} req/s`)
    console.log(`POST /mcp search_knowledge: p50 ${f(mcp.p50)} ms, p99 ${f(mcp.p99)} ms, ${mcp.rps.toFixed(0)} req/s`)
    console.log(`ratio mcp/search: p50 ${f(mcp.p50 / search.p50)}x, p99 ${f(mcp.p99 / search.p99)}x, throughput ${f(mcp.rps / search.rps)}x`)
  } finally {
    server.child.kill('SIGTERM')
  }
}

await main()
