/**
 * Server RSS under the echo flood of issue 8: one socket that never reads sends 1 MB frames whose `type` is
 * huge, for 8 s. Each would-be error echo is the size of its frame when the echo is unbounded.
 * Usage: tsx bench/echo-flood.bench.ts [path/to/app/src/main.ts]  (default: this checkout's server)
 */
import { readFileSync } from 'node:fs'
import type { Socket } from 'node:net'
import WebSocket from 'ws'
import { startProcess } from '../app/test/support/process.js'

const entry = process.argv[2]
const FLOOD_MS = 8000
const FRAME = JSON.stringify({ type: 'x'.repeat(1024 * 1024 - 20) })

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024

const server = await startProcess({ OPENAI_API_KEY: 'sk-bench', WS_MAX_MESSAGES_PER_SECOND: '0' }, ...(entry ? [entry] : []))
const pid = server.child.pid!
const ws = new WebSocket(server.ws)
await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
;(ws as unknown as { _socket: Socket })._socket.pause() // never read a byte of the replies
const before = rssMb(pid)
let peak = before
let sent = 0
const started = performance.now()
const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 100)
// Send as fast as the server takes them: the next frame once the previous one left this process.
while (performance.now() - started < FLOOD_MS && ws.readyState === ws.OPEN) {
  await new Promise<void>((resolve) => ws.send(FRAME, () => resolve()))
  sent++
}
clearInterval(sampler)
peak = Math.max(peak, rssMb(pid))
const closed = ws.readyState !== ws.OPEN
ws.terminate()
await server.stop()
console.log(JSON.stringify({ entry: entry || 'this checkout', framesSent: sent, growthMbPer100Frames: Math.round(((peak - before) / Math.max(1, sent)) * 100), rssBeforeMb: Math.round(before), rssPeakMb: Math.round(peak), growthMb: Math.round(peak - before), socketClosedByServer: closed }))
