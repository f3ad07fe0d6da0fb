/**
 * Retained heap per idle socket, from two heap snapshots of the compiled server (before and after opening
 * BENCH_IDLE_SOCKETS sockets; a snapshot collects garbage first), with the constructors that grew most.
 * Traffic goes to 127.0.0.1 only.
 *
 *   npx tsx bench/idle-heap.bench.ts         BENCH_IDLE_SOCKETS=2000
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import WebSocket from 'ws'
import { startFakeOpenAi } from '../app/test/support/fake-openai.js'
import { startProcess, type ServerProcess } from '../app/test/support/process.js'
import { buildServer } from './build.js'

const IDLE_SOCKETS = Number(process.env.BENCH_IDLE_SOCKETS ?? 2000)

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }
  nodes: number[]
  strings: string[]
}

/** Self size by "type:name" (constructor name for objects) over every live node. */
function sizes(file: string): { total: number; byName: Map<string, number> } {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot
  const fields = s.snapshot.meta.node_fields
  const width = fields.length
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number]
  const types = s.snapshot.meta.node_types[0]
  const byName = new Map<string, number>()
  let total = 0
  for (let i = 0; i < s.nodes.length; i += width) {
    const size = s.nodes[i + sizeAt]!
    const type = types[s.nodes[i + typeAt]!]!
    const key = type === 'object' || type === 'closure' ? `${type}:${s.strings[s.nodes[i + nameAt]!]}` : type
    byName.set(key, (byName.get(key) ?? 0) + size)
    total += size
  }
  return { total, byName }
}

/**
 * SIGUSR2 makes the server write a snapshot on its main thread, which answers nothing while it writes: once
 * the file exists, the next answered request means it is complete.
 */
async function snapshot(server: ServerProcess, dir: string): Promise<string> {
  const before = new Set(readdirSync(dir))
  server.child.kill('SIGUSR2')
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    const file = readdirSync(dir).find((f) => !before.has(f) && f.endsWith('.heapsnapshot'))
    // A kept-alive connection the server just closed can reset: then ask again.
    const answered = await fetch(`${server.http}/health`).then(() => true, () => false)
    if (file && answered) return path.join(dir, file)
  }
  throw new Error('the server wrote no heap snapshot within 60 s')
}

async function main() {
  const fake = await startFakeOpenAi()
  const dir = mkdtempSync(path.join(tmpdir(), 'hpa-heap-'))
  const server = await startProcess(
    { OPENAI_API_KEY: 'sk-bench', OPENAI_BASE_URL: fake.url, LOG_LEVEL: 'info', NODE_ENV: 'production', NODE_OPTIONS: `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${dir}` },
    buildServer(),
  )
  try {
    const empty = sizes(await snapshot(server, dir))
    const sockets: WebSocket[] = []
    for (let i = 0; i < IDLE_SOCKETS; i += 50) {
      sockets.push(...(await Promise.all(Array.from({ length: Math.min(50, IDLE_SOCKETS - i) }, () => new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(server.ws, { perMessageDeflate: false })
        ws.once('open', () => resolve(ws))
        ws.once('error', reject)
      })))))
    }
    await Promise.all(sockets.map((ws) => new Promise((resolve) => {
      ws.once('pong', resolve)
      ws.ping()
    })))
    const full = sizes(await snapshot(server, dir))
    console.log(`retained heap per idle socket: ${((full.total - empty.total) / IDLE_SOCKETS / 1024).toFixed(2)} KiB (${IDLE_SOCKETS} sockets, heap snapshots)`)
    const growth = [...full.byName].map(([name, size]) => [name, (size - (empty.byName.get(name) ?? 0)) / IDLE_SOCKETS] as const)
    for (const [name, perSocket] of growth.sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`  ${perSocket.toFixed(0).padStart(6)} B  ${name}`)
    for (const ws of sockets) ws.terminate()
  } finally {
    server.child.kill('SIGTERM')
    await server.exited
    await fake.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
