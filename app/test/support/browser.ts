/** Headless Chromium (Debian's, via playwright-core) and a local page whose script talks to the API like a web app. */
import { createServer } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { chromium, type Browser, type Page } from 'playwright-core'
import type { ServerFrame } from '../../src/protocol/frames.js'

export const CHROMIUM = '/usr/bin/chromium'

/** Flags that let Chromium run here: no sandbox as root, and no background traffic to a closed network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    timeout: 30_000,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

/** What the page's functions resolve with (they never reject: a failure is data the test asserts on). */
export interface WsResult {
  opened: boolean
  protocol: string
  errored: boolean
  closeCode: number | null
  frames: ServerFrame[]
  timedOut: boolean
}

export interface SseEvent {
  event: string
  id: string | undefined
  frame: ServerFrame
}

export interface FetchResult {
  status: number
  messageId: string | null
  events: SseEvent[]
  /** The name and message of what fetch or the reader threw, e.g. a CORS refusal's TypeError. */
  error: { name: string; message: string } | null
}

export interface EventSourceEvent {
  type: string
  lastEventId: string
  frame: ServerFrame | null
  /** Milliseconds since the EventSource was created. */
  at: number
}

export interface EventSourceResult {
  opened: boolean
  events: EventSourceEvent[]
  readyState: number
  timedOut: boolean
}

/**
 * The page's script: plain browser JavaScript using the browser's own WebSocket, fetch + ReadableStream
 * and EventSource, each bounded by a timeout and resolving with what it saw.
 */
const PAGE_SCRIPT = String.raw`
const terminal = (f) => f.type === 'chat_complete' || (f.type === 'error' && f.messageId)

function parseSse(text) {
  const events = []
  for (const block of text.split('\n\n')) {
    let event = 'message', id, data = ''
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7)
      else if (line.startsWith('id: ')) id = line.slice(4)
      else if (line.startsWith('data: ')) data += line.slice(6)
    }
    if (data) events.push({ event, id, frame: JSON.parse(data) })
  }
  return events
}

window.hpa = {
  /** Opens a socket, sends the given frames once open, collects frames until messageId ends (or just opens). */
  ws({ url, protocols, send, messageId, timeoutMs }) {
    return new Promise((resolve) => {
      const result = { opened: false, protocol: '', errored: false, closeCode: null, frames: [], timedOut: false }
      const ws = protocols ? new WebSocket(url, protocols) : new WebSocket(url)
      const timer = setTimeout(() => { result.timedOut = true; ws.close(); resolve(result) }, timeoutMs)
      const done = () => { clearTimeout(timer); resolve(result) }
      ws.onopen = () => {
        result.opened = true
        result.protocol = ws.protocol
        for (const frame of send) ws.send(JSON.stringify(frame))
        if (!messageId) { ws.close(1000); done() }
      }
      ws.onmessage = (e) => {
        const frame = JSON.parse(e.data)
        result.frames.push(frame)
        if (messageId && frame.messageId === messageId && terminal(frame)) { ws.close(1000); done() }
      }
      ws.onerror = () => { result.errored = true }
      ws.onclose = (e) => { result.closeCode = e.code; done() }
    })
  },

  /** POSTs a chat and reads the SSE body through a ReadableStream reader; stops after stopAfterDeltas if given. */
  async fetchChat({ url, body, headers, stopAfterDeltas, timeoutMs }) {
    const result = { status: 0, messageId: null, events: [], error: null }
    const controller = new AbortController()
    let stopped = false
    const timer = setTimeout(() => controller.abort(new Error('timed out')), timeoutMs)
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: controller.signal })
      result.status = res.status
      result.messageId = res.headers.get('x-message-id')
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
      let buffer = ''
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        buffer += value
        const cut = buffer.lastIndexOf('\n\n')
        if (cut < 0) continue
        result.events.push(...parseSse(buffer.slice(0, cut + 2)))
        buffer = buffer.slice(cut + 2)
        if (stopAfterDeltas && result.events.filter((e) => e.event === 'chat_delta').length >= stopAfterDeltas) {
          stopped = true
          controller.abort()
          break
        }
      }
    } catch (error) {
      if (!stopped) result.error = { name: error.name, message: String(error.message) }
    } finally {
      clearTimeout(timer)
    }
    return result
  },

  /** Follows an answer with EventSource until chat_complete (then closes it, or it would reconnect). */
  eventSource({ url, timeoutMs }) {
    return new Promise((resolve) => {
      const started = performance.now()
      const source = new EventSource(url)
      const result = { opened: false, events: [], readyState: -1, timedOut: false }
      // Never closed here after a terminal frame: the browser itself must stop (readyState 2), which it does
      // only when its reconnect (Last-Event-ID: end) gets 204. A timeout closes it and says so.
      const timer = setTimeout(() => { result.timedOut = true; source.close(); result.readyState = source.readyState; resolve(result) }, timeoutMs)
      source.onopen = () => { result.opened = true }
      source.onerror = () => {
        if (source.readyState !== 2) return // reconnecting
        result.readyState = 2
        clearTimeout(timer)
        resolve(result)
      }
      for (const type of ['chat_start', 'chat_delta', 'chat_complete', 'error']) {
        source.addEventListener(type, (e) => {
          if (type === 'error' && !e.data) return // the browser's own connection event, not a frame
          const frame = JSON.parse(e.data)
          result.events.push({ type, lastEventId: e.lastEventId ?? '', frame, at: performance.now() - started })
        })
      }
    })
  },
}
`

const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>browser test</title></head>
<body><script>${PAGE_SCRIPT}</script></body></html>`

export interface PageServer {
  /** http://127.0.0.1:<port>, the Origin of the page's requests. */
  origin: string
  close(): Promise<void>
}

/** Serves the test page on its own port, so the page's requests to the API carry a real cross-origin Origin. */
export async function startPageServer(): Promise<PageServer> {
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => {
    if (req.url === '/' || req.url === '/index.html') res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE)
    else res.writeHead(404).end()
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** Calls one of the page's functions with a JSON argument (a string expression, so no bundler helper leaks in). */
export function inPage<T>(page: Page, name: 'ws' | 'fetchChat' | 'eventSource', arg: Record<string, unknown>): Promise<T> {
  return page.evaluate<T>(`window.hpa.${name}(${JSON.stringify(arg)})`)
}
