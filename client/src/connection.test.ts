/** The client's reconnect state machine against a fake socket and an injected clock (vitest's fake timers). */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { connect, type Client, type ConnectOptions, type ConnectionEvent } from './connection.js'
import { ConnectionError } from './link.js'
import { CloseCode, type ClientFrame, type ServerFrame } from './protocol.js'

/** An asymmetric matcher typed as the string it stands for. */
const matching = (pattern: RegExp): string => expect.stringMatching(pattern) as string

/** A WebSocket whose server side the test drives: open it, close it with a code, send it frames. */
class FakeSocket {
  static all: FakeSocket[] = []
  readyState = 0
  readonly sent: ClientFrame[] = []
  closedWith: { code?: number; reason?: string } | undefined
  onopen: ((event: unknown) => void) | null = null
  onmessage: ((event: { data: unknown }) => void) | null = null
  onclose: ((event: { code: number; reason: string }) => void) | null = null
  onerror: ((event: unknown) => void) | null = null
  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {
    FakeSocket.all.push(this)
  }
  send(data: string) {
    this.sent.push(JSON.parse(data) as ClientFrame)
  }
  close(code?: number, reason?: string) {
    this.closedWith = { code, reason }
    this.readyState = 3
  }
  serverOpen() {
    this.readyState = 1
    this.onopen?.({})
  }
  serverClose(code: number, reason = '') {
    this.readyState = 3
    this.onclose?.({ code, reason })
  }
  serverSend(frame: ServerFrame) {
    this.onmessage?.({ data: JSON.stringify(frame) })
  }
}

const latest = () => FakeSocket.all.at(-1)!
let client: Client | undefined
let events: ConnectionEvent[]

function start(options: Partial<ConnectOptions> = {}): Client {
  client = connect({ url: 'ws://assistant.test/ws/chat', WebSocket: FakeSocket, random: () => 0, reconnect: { initialDelayMs: 100, maxDelayMs: 1000 }, ...options })
  events = []
  client.on((event) => events.push(event))
  return client
}

/** Lets promise callbacks (getToken, ready) run without moving the clock. */
const settle = () => vi.advanceTimersByTimeAsync(0)

beforeEach(() => {
  vi.useFakeTimers()
  FakeSocket.all = []
})

afterEach(() => {
  client?.close()
  client = undefined
  vi.useRealTimers()
})

describe('the reconnect state machine (fake socket, fake clock)', () => {
  it('connects at once, and ready() resolves when the socket opens', async () => {
    const c = start()
    expect(c.state).toBe('connecting')
    const ready = c.ready()
    latest().serverOpen()
    await expect(ready).resolves.toBeUndefined()
    expect(c.state).toBe('open')
    expect(events).toEqual([{ type: 'open', reconnected: false }])
  })

  it('a dropped socket waits the backoff delay, then reconnects and resumes the answer in flight', async () => {
    const c = start()
    latest().serverOpen()
    const ask = c.ask('How do I mint a token?')
    const chat = latest().sent[0]
    expect(chat).toMatchObject({ type: 'chat', content: 'How do I mint a token?' })
    latest().serverSend({ type: 'chat_start', messageId: ask.messageId, conversationId: 'c1' })
    latest().serverSend({ type: 'chat_delta', messageId: ask.messageId, conversationId: 'c1', seq: 0, content: 'Use ' })
    latest().serverClose(1006)
    expect(c.state).toBe('waiting')
    expect(events.at(-1)).toEqual({ type: 'reconnecting', attempt: 1, delayMs: 50, code: 1006 })
    await vi.advanceTimersByTimeAsync(49)
    expect(FakeSocket.all).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(FakeSocket.all).toHaveLength(2)
    expect(c.state).toBe('connecting')
    latest().serverOpen()
    expect(latest().sent).toEqual([{ type: 'resume', messageId: ask.messageId, lastSeq: 0 }])
    expect(events.at(-1)).toEqual({ type: 'open', reconnected: true })
  })

  it('backs off longer per failed attempt and starts over after a socket opened', async () => {
    const c = start()
    latest().serverClose(1006)
    await vi.advanceTimersByTimeAsync(50)
    latest().serverClose(1006)
    await vi.advanceTimersByTimeAsync(100)
    latest().serverClose(1006)
    const delays = events.filter((e) => e.type === 'reconnecting').map((e) => e.type === 'reconnecting' && e.delayMs)
    expect(delays).toEqual([50, 100, 200])
    await vi.advanceTimersByTimeAsync(200)
    latest().serverOpen()
    latest().serverClose(CloseCode.notReading)
    expect(events.at(-1)).toEqual({ type: 'reconnecting', attempt: 1, delayMs: 50, code: CloseCode.notReading })
    expect(c.state).toBe('waiting')
  })

  it('1012 (server restart) reconnects with no delay', async () => {
    start()
    latest().serverOpen()
    latest().serverClose(CloseCode.serviceRestart)
    expect(events.at(-1)).toEqual({ type: 'reconnecting', attempt: 1, delayMs: 0, code: 1012 })
    await settle()
    expect(FakeSocket.all).toHaveLength(2)
  })

  it.each([
    [CloseCode.tooLarge, 'payload_too_large'],
    [CloseCode.policyViolation, 'policy_violation'],
  ])('%i fails every answer in flight, does not reconnect; ready() connects again and rejects on the next refusal', async (code, errorCode) => {
    const c = start()
    latest().serverOpen()
    const ask = c.ask('a question')
    latest().serverClose(code)
    expect(c.state).toBe('failed')
    await expect(ask.text).rejects.toMatchObject({ name: 'AskError', code: errorCode })
    expect(events.at(-1)).toMatchObject({ type: 'failed', code })
    await vi.advanceTimersByTimeAsync(60_000)
    expect(FakeSocket.all).toHaveLength(1)
    expect(events.filter((e) => e.type === 'reconnecting')).toEqual([])

    const ready = c.ready()
    expect(c.state).toBe('connecting')
    latest().serverClose(code)
    await expect(ready).rejects.toMatchObject({ name: 'ConnectionError', code: errorCode, closeCode: code })
  })

  it('4001 calls getToken and reconnects at once with the fresh token as the bearer subprotocol', async () => {
    const getToken = vi.fn(async () => 'fresh-token')
    const c = start({ token: 'old-token', getToken })
    expect(latest().protocols).toEqual(['bearer', 'old-token'])
    latest().serverOpen()
    latest().serverClose(CloseCode.credentialExpired)
    expect(c.state).toBe('refreshing')
    await settle()
    expect(getToken).toHaveBeenCalledTimes(1)
    expect(events.at(-1)).toEqual({ type: 'reconnecting', attempt: 1, delayMs: 0, code: 4001 })
    await settle()
    expect(latest().protocols).toEqual(['bearer', 'fresh-token'])
    latest().serverOpen()
    expect(c.state).toBe('open')
  })

  it('a getToken that throws gives up with unauthorized and its message; ready() rejects', async () => {
    const c = start({ token: 'old', getToken: () => Promise.reject(new Error('the identity provider is down')) })
    latest().serverOpen()
    const ask = c.ask('q')
    const ready = c.ready() // open: resolves now
    await expect(ready).resolves.toBeUndefined()
    latest().serverClose(CloseCode.credentialExpired)
    const waiting = expect(c.ready()).rejects.toMatchObject({ code: 'unauthorized', message: 'getToken failed: the identity provider is down' })
    await settle()
    expect(c.state).toBe('failed')
    await waiting
    await expect(ask.text).rejects.toMatchObject({ code: 'unauthorized' })
  })

  it('4001 without getToken gives up with unauthorized and a sentence saying what to do', async () => {
    const c = start({ token: 'old' })
    latest().serverOpen()
    const ask = c.ask('q')
    latest().serverClose(CloseCode.credentialExpired)
    expect(c.state).toBe('failed')
    expect(events.at(-1)).toMatchObject({ type: 'failed', code: 4001, error: matching(/no getToken callback/) })
    await expect(ask.text).rejects.toMatchObject({ code: 'unauthorized' })
  })

  it('a handshake refused again after a retry refreshes the token before the next try', async () => {
    let n = 0
    start({ token: 't0', getToken: () => `t${++n}` })
    latest().serverClose(1006) // never opened, first attempt: plain backoff
    await vi.advanceTimersByTimeAsync(50)
    expect(latest().protocols).toEqual(['bearer', 't0'])
    latest().serverClose(1006) // refused again: refresh, then back off
    await vi.advanceTimersByTimeAsync(100)
    expect(latest().protocols).toEqual(['bearer', 't1'])
  })

  it('gives up after maxAttempts reconnects without an open socket: ready() and the answers reject', async () => {
    const c = start({ reconnect: { initialDelayMs: 10, maxDelayMs: 10, maxAttempts: 2 } })
    const ready = c.ready()
    const ask = c.ask('q')
    latest().serverClose(1006)
    await vi.advanceTimersByTimeAsync(5)
    latest().serverClose(1006)
    await vi.advanceTimersByTimeAsync(5)
    latest().serverClose(1006)
    expect(c.state).toBe('failed')
    expect(FakeSocket.all).toHaveLength(3)
    await expect(ready).rejects.toBeInstanceOf(ConnectionError)
    await expect(ready).rejects.toMatchObject({ code: 'connection_closed', message: matching(/after 2 reconnect attempts/) })
    await expect(ask.text).rejects.toMatchObject({ code: 'connection_closed' })
    await vi.advanceTimersByTimeAsync(60_000)
    expect(FakeSocket.all).toHaveLength(3)
  })

  it('close() rejects a pending ready(), ends the answers, cancels the scheduled reconnect', async () => {
    const c = start()
    latest().serverClose(1006)
    const ready = c.ready()
    const ask = c.ask('q')
    expect(c.state).toBe('waiting')
    c.close()
    expect(c.state).toBe('closed')
    await expect(ready).rejects.toMatchObject({ name: 'ConnectionError', code: 'connection_closed' })
    await expect(ask.text).rejects.toMatchObject({ code: 'connection_closed' })
    await vi.advanceTimersByTimeAsync(60_000)
    expect(FakeSocket.all).toHaveLength(1)
  })

  it('close() during a token refresh wins: the late token opens no socket', async () => {
    let release!: (token: string) => void
    const c = start({ token: 'old', getToken: () => new Promise<string>((resolve) => (release = resolve)) })
    latest().serverOpen()
    latest().serverClose(CloseCode.credentialExpired)
    expect(c.state).toBe('refreshing')
    await settle()
    c.close()
    release('late')
    await vi.advanceTimersByTimeAsync(60_000)
    expect(c.state).toBe('closed')
    expect(FakeSocket.all).toHaveLength(1)
  })

  it('closes an open socket with 1000 on close(), and an ask afterwards connects again', async () => {
    const c = start()
    const first = latest()
    first.serverOpen()
    c.close()
    expect(first.closedWith).toEqual({ code: CloseCode.normal, reason: 'closed by the client' })
    c.ask('again')
    expect(c.state).toBe('connecting')
    latest().serverOpen()
    expect(latest().sent[0]).toMatchObject({ type: 'chat', content: 'again' })
  })

  it('gives up a silent socket after the heartbeat timeout, closing it with 4000, and reconnects', async () => {
    const c = start({ heartbeatIntervalMs: 1000, heartbeatTimeoutMs: 500 })
    const first = latest()
    first.serverOpen()
    await vi.advanceTimersByTimeAsync(1000)
    expect(first.sent).toEqual([{ type: 'ping' }])
    await vi.advanceTimersByTimeAsync(500)
    expect(first.closedWith).toEqual({ code: CloseCode.abandoned, reason: 'abandoned' })
    expect(events.slice(-2)).toEqual([
      { type: 'closed', code: 1006, reason: 'heartbeat timeout' },
      { type: 'reconnecting', attempt: 1, delayMs: 50, code: 1006 },
    ])
    expect(c.state).toBe('waiting')
  })
})
