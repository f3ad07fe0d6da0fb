/** A real `ws` client that records frames and waits for the ones a test expects. */
import WebSocket, { type ClientOptions } from 'ws'
import type { ServerFrame } from '../../src/protocol/frames.js'

export interface TestSocket {
  ws: WebSocket
  frames: ServerFrame[]
  send(message: unknown): void
  /** Resolves with the first frame (from now or already received after `from`) matching `match`. */
  next(match: (frame: ServerFrame) => boolean, timeoutMs?: number): Promise<ServerFrame>
  /** Collects every frame of one answer until its terminal frame. */
  answer(messageId: string, timeoutMs?: number): Promise<ServerFrame[]>
  closed: Promise<{ code: number; reason: string }>
  close(): void
}

export function connect(url: string, options: ClientOptions & { protocols?: string[] } = {}): Promise<TestSocket> {
  const { protocols, ...rest } = options
  const ws = new WebSocket(url, protocols, rest)
  const frames: ServerFrame[] = []
  const waiters = new Set<() => void>()
  ws.on('message', (data, isBinary) => {
    if (isBinary) throw new Error('server sent a binary frame')
    frames.push(JSON.parse((data as Buffer).toString('utf8')) as ServerFrame)
    for (const w of [...waiters]) w()
  })
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() })
      for (const w of [...waiters]) w()
    }),
  )
  let scanned = 0
  const next = (match: (frame: ServerFrame) => boolean, timeoutMs = 10_000) =>
    new Promise<ServerFrame>((resolve, reject) => {
      const check = () => {
        for (; scanned < frames.length; scanned++) {
          const frame = frames[scanned]!
          if (match(frame)) {
            scanned++
            waiters.delete(check)
            clearTimeout(timer)
            resolve(frame)
            return
          }
        }
      }
      const timer = setTimeout(() => {
        waiters.delete(check)
        reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(frames.slice(-5))}`))
      }, timeoutMs)
      waiters.add(check)
      check()
    })
  const answer = (messageId: string, timeoutMs = 10_000) =>
    new Promise<ServerFrame[]>((resolve, reject) => {
      const check = () => {
        const mine = frames.filter((f) => f.messageId === messageId)
        const last = mine.at(-1)
        if (last && (last.type === 'chat_complete' || last.type === 'error')) {
          waiters.delete(check)
          clearTimeout(timer)
          resolve(mine)
        }
      }
      const timer = setTimeout(() => {
        waiters.delete(check)
        reject(new Error(`answer ${messageId} did not end within ${timeoutMs} ms; got ${JSON.stringify(frames.filter((f) => f.messageId === messageId).slice(-3))}`))
      }, timeoutMs)
      waiters.add(check)
      check()
    })
  return new Promise((resolve, reject) => {
    ws.once('open', () =>
      resolve({
        ws,
        frames,
        send: (message) => ws.send(typeof message === 'string' ? message : JSON.stringify(message)),
        next,
        answer,
        closed,
        close: () => ws.close(),
      }),
    )
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused: HTTP ${res.statusCode}`), { status: res.statusCode })))
    ws.once('error', reject)
  })
}

/** The text of an answer's deltas, checking seq runs 0, 1, 2, ... without gaps. */
export function deltaText(frames: ServerFrame[]): string {
  const deltas = frames.filter((f) => f.type === 'chat_delta')
  deltas.forEach((d, i) => {
    if (d.seq !== i) throw new Error(`delta ${i} has seq ${d.seq}`)
  })
  return deltas.map((d) => d.content).join('')
}

/** Tries an upgrade: 101 when a socket opened (it is closed again), else the HTTP status of the refusal. */
export async function upgradeStatus(url: string, options: Parameters<typeof connect>[1] = {}): Promise<number> {
  try {
    const socket = await connect(url, options)
    socket.close()
    return 101
  } catch (error) {
    return (error as { status?: number }).status ?? 0
  }
}
