/**
 * A local OpenAI-compatible server speaking the real streaming protocol (SSE chunks, a usage chunk, `[DONE]`),
 * with fault modes. A test picks a mode per request by putting a directive in the question, e.g.
 * `[[mode:cut]] How do I mint?`, or sets `defaultMode` for every request.
 */
import { EventEmitter } from 'node:events'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export type FakeMode =
  | 'normal' // the whole answer, chunk by chunk, then finish, usage, [DONE]
  | 'http500' // HTTP 500 before any token
  | 'http429' // HTTP 429 with Retry-After: 1
  | 'flaky' // HTTP 500 for the first `failures` requests carrying the same question, then normal
  | 'cut' // a few chunks, then the TCP connection is destroyed
  | 'hang' // headers never come
  | 'stall' // a few chunks, then silence (connection held open)
  | 'truncated' // a few chunks, then a clean end of the response without finish_reason or [DONE]
  | 'huge' // many large chunks as fast as possible
  | 'usage_each' // every chunk carries the usage so far (as Vertex AI may); the last one is the total

/** A tool call the fake makes when asked with `[[tools:NAME]]` and offered tools (see `toolCalls`). */
export interface FakeToolCall {
  name: string
  /** The arguments as JSON text; streamed in pieces, as a real model does. */
  arguments: string
}

export interface FakeRequest {
  model: string
  messages: { role: string; content: string | null; tool_call_id?: string; tool_calls?: unknown[] }[]
  /** Names of the tools offered, and the tool_choice. */
  tools: string[]
  toolChoice: unknown
  stream: boolean
  includeUsage: boolean
  maxTokens: number | undefined
  temperature: number | undefined
  authorization: string | undefined
  /** The request path, e.g. /v1/chat/completions or a Vertex AI endpoint's. */
  path: string
  aborted: boolean
  mode: FakeMode
}

export interface FakeOpenAiOptions {
  defaultMode?: FakeMode
  /** Delay between chunks. */
  chunkDelayMs?: number
  /** Words in a normal answer. */
  answerWords?: number
  /** For `flaky`: how many requests fail first. */
  failures?: number
  /** For `huge`: chunk count and size. */
  hugeChunks?: number
  hugeChunkBytes?: number
  /** Tool calls by name, made by a question with `[[tools:NAME]]` while no tool result is in the conversation. */
  toolCalls?: Record<string, FakeToolCall[]>
  /** Bearer keys (or tokens) accepted; any other gets 401. Default: every key is accepted. */
  acceptedKeys?: string[] | undefined
}

export interface FakeOpenAi {
  url: string
  requests: FakeRequest[]
  /** Emit time (performance.now()) of every content chunk, by question. */
  emits: Map<string, number[]>
  /** Every GET /models, with the key it carried. */
  modelListings: { authorization: string | undefined }[]
  options: FakeOpenAiOptions & Required<Omit<FakeOpenAiOptions, 'acceptedKeys'>>
  /** The exact text a normal answer to `question` has (directives stripped). */
  answerFor(question: string): string
  /** The chunks a normal answer is sent in. */
  chunksFor(question: string): string[]
  /** Resolves once `n` requests were aborted by the client. */
  abortedCount(): number
  /** Resolves with the first request matching `match` that the client aborted (already, or when it does). */
  whenAborted(match: (request: FakeRequest) => boolean): Promise<FakeRequest>
  /** Resolves with the first request matching `match` (already received, or when it arrives). */
  whenReceived(match: (request: FakeRequest) => boolean): Promise<FakeRequest>
  close(): Promise<void>
}

const DIRECTIVE = /\[\[(\w+):([\w.-]+)\]\]\s*/g

/**
 * Canned answers picked with `[[answer:NAME]]`: markdown to render, and model output that tries to run
 * script in a page that renders it (each must stay inert text).
 */
export const CANNED_ANSWERS: Record<string, string> = {
  // An answer whose code uses the package the SDK left behind (the answer check must say so).
  oldimport: "Like this:\n\n```ts\nimport { Client, Hbar, TransferTransaction } from '@hashgraph/sdk'\nconst tx = new TransferTransaction().addHbarTransfer('0.0.2', new Hbar(-1)).addHbarTransfer('0.0.3', new Hbar(1))\n```\n",
  markdown: [
    '## Create a topic\n\n',
    'Use **TopicCreateTransaction** and read the *receipt*:\n\n',
    '```ts\nconst tx = await new TopicCreateTransaction().execute(client)\nconst receipt = await tx.getReceipt(client)\n```\n\n',
    '- one\n- two\n\n',
    'See [the docs](https://docs.hedera.com/hedera/sdks-and-apis) for more.',
  ].join(''),
  hostile: [
    'Careful: <img src="x" onerror="window.__pwned=\'img\'"> and ',
    '<script>window.__pwned=\'script\'</script> and ',
    '<svg onload="window.__pwned=\'svg\'"></svg> and ',
    '[click me](javascript:window.__pwned=\'link\') and ',
    '[data](data:text/html,<script>window.__pwned=1</script>) and ',
    '![pic](javascript:window.__pwned=\'image\') end.',
  ].join(''),
}

function parseDirectives(text: string): { clean: string; mode?: FakeMode; delay?: number; words?: number; answer?: string; tools?: string } {
  const out: { clean: string; mode?: FakeMode; delay?: number; words?: number; answer?: string; tools?: string } = { clean: text.replace(DIRECTIVE, '') }
  for (const [, key, value] of text.matchAll(DIRECTIVE)) {
    if (key === 'mode') out.mode = value as FakeMode
    if (key === 'delay') out.delay = Number(value)
    if (key === 'words') out.words = Number(value)
    if (key === 'answer') out.answer = value
    if (key === 'tools') out.tools = value
  }
  return out
}

export async function startFakeOpenAi(opts: FakeOpenAiOptions = {}): Promise<FakeOpenAi> {
  const options: FakeOpenAiOptions & Required<Omit<FakeOpenAiOptions, 'acceptedKeys'>> = {
    defaultMode: 'normal',
    chunkDelayMs: 2,
    answerWords: 12,
    failures: 1,
    hugeChunks: 400,
    hugeChunkBytes: 64 * 1024,
    toolCalls: {},
    ...opts,
  }
  const requests: FakeRequest[] = []
  const modelListings: { authorization: string | undefined }[] = []
  const emits = new Map<string, number[]>()
  const failuresSeen = new Map<string, number>()
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  const events = new EventEmitter()

  const chunksFor = (question: string, words = options.answerWords): string[] => {
    const { clean, answer } = parseDirectives(question)
    const canned = answer === undefined ? undefined : CANNED_ANSWERS[answer]
    // In pieces of 7 characters: markdown arrives split mid-token, as from a real model.
    if (canned !== undefined) return canned.match(/[\s\S]{1,7}/g) ?? []
    const pieces = [`Hedera answer to "${clean.slice(0, 40)}":`]
    for (let i = 0; i < words; i++) pieces.push(` word${i}`)
    pieces.push(' ✓ done.')
    return pieces
  }

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t)
        resolve()
      }, ms)
      timers.add(t)
    })

  const keyRefused = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!options.acceptedKeys || options.acceptedKeys.some((key) => req.headers.authorization === `Bearer ${key}`)) return false
    // As OpenAI does: the message quotes part of the key, which must never reach our clients.
    const sent = req.headers.authorization?.replace(/^Bearer /, '') ?? ''
    res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `Incorrect API key provided: ${sent.slice(0, 8)}***${sent.slice(-4)}`, type: 'invalid_request_error', code: 'invalid_api_key' } }))
    return true
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET' && req.url?.endsWith('/models')) {
      modelListings.push({ authorization: req.headers.authorization })
      if (keyRefused(req, res)) return
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data: [{ id: 'gpt-4o', object: 'model', created: 0, owned_by: 'fake' }] }))
      return
    }
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }))
      return
    }
    let raw = ''
    for await (const part of req) raw += part
    const body = JSON.parse(raw) as {
      model: string
      messages: FakeRequest['messages']
      tools?: { function: { name: string } }[]
      tool_choice?: unknown
      stream?: boolean
      stream_options?: { include_usage?: boolean }
      max_tokens?: number
      temperature?: number
    }
    const question = [...body.messages].reverse().find((m) => m.role === 'user')?.content ?? ''
    const offered = (body.tools ?? []).map((t) => t.function.name)
    const directives = parseDirectives(question)
    const mode = directives.mode ?? options.defaultMode
    const record: FakeRequest = {
      model: body.model,
      messages: body.messages,
      tools: offered,
      toolChoice: body.tool_choice,
      stream: body.stream === true,
      includeUsage: body.stream_options?.include_usage === true,
      maxTokens: body.max_tokens,
      temperature: body.temperature,
      authorization: req.headers.authorization,
      path: req.url.split('?')[0]!,
      aborted: false,
      mode,
    }
    requests.push(record)
    events.emit('received', record)
    res.on('close', () => {
      if (res.writableFinished) return
      record.aborted = true
      events.emit('aborted', record)
    })

    const fail = (status: number, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ error: { message: `fake ${status}`, type: 'server_error' } }))
    }

    if (keyRefused(req, res)) return
    if (mode === 'http500') return fail(500)
    if (mode === 'http429') return fail(429, { 'retry-after': '1' })
    if (mode === 'flaky') {
      const seen = failuresSeen.get(question) ?? 0
      if (seen < options.failures) {
        failuresSeen.set(question, seen + 1)
        return fail(503)
      }
    }
    if (mode === 'hang') return // never answers; the client must give up

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' })
    const id = `chatcmpl-fake-${requests.length}`
    const created = Math.floor(Date.now() / 1000)
    const send = (payload: unknown) => res.write(`data: ${JSON.stringify(payload)}\n\n`)
    const promptTokens = body.messages.reduce((n, m) => n + (m.content ?? '').split(/\s+/).length, 0)
    let sent = 0
    const usageSoFar = () => ({ prompt_tokens: promptTokens, completion_tokens: sent, total_tokens: promptTokens + sent })
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
      send({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }], usage: mode === 'usage_each' ? usageSoFar() : null })

    const calls = directives.tools === undefined ? undefined : options.toolCalls[directives.tools]
    if (calls && offered.length > 0 && !body.messages.some((m) => m.role === 'tool')) {
      chunk({ role: 'assistant', content: null })
      calls.forEach((call, index) => {
        chunk({ tool_calls: [{ index, id: `call_${index}`, type: 'function', function: { name: call.name, arguments: '' } }] })
        for (const piece of call.arguments.match(/[\s\S]{1,16}/g) ?? []) chunk({ tool_calls: [{ index, function: { arguments: piece } }] })
      })
      chunk({}, 'tool_calls')
      if (record.includeUsage) send({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [], usage: { prompt_tokens: 10, completion_tokens: calls.length * 5, total_tokens: 10 + calls.length * 5 } })
      return void res.end('data: [DONE]\n\n')
    }
    const pieces =
      mode === 'huge'
        ? Array.from({ length: options.hugeChunks }, (_, i) => `${i}:`.padEnd(options.hugeChunkBytes, 'x'))
        : chunksFor(question, directives.words)
    const delay = directives.delay ?? options.chunkDelayMs
    const times: number[] = []
    emits.set(directives.clean, times)
    chunk({ role: 'assistant', content: '' })
    for (let i = 0; i < pieces.length; i++) {
      if (res.destroyed) return
      if ((mode === 'cut' || mode === 'stall' || mode === 'truncated') && i === 3) {
        if (mode === 'cut') return void req.socket.destroy()
        if (mode === 'truncated') return void res.end()
        return // stall: hold the connection open, silent
      }
      times.push(performance.now())
      sent++
      chunk({ content: pieces[i] })
      if (mode !== 'huge' && delay > 0) await wait(delay)
      else if (mode === 'huge' && !res.write('')) await new Promise((r) => res.once('drain', r))
    }
    chunk({}, 'stop')
    if (record.includeUsage && mode !== 'usage_each') {
      send({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [], usage: { prompt_tokens: promptTokens, completion_tokens: pieces.length, total_tokens: promptTokens + pieces.length } })
    }
    res.end('data: [DONE]\n\n')
  }

  /** The first request (already seen, or the next to come) matching `match`, as `event` reports them. */
  function when(event: 'aborted' | 'received', match: (request: FakeRequest) => boolean): Promise<FakeRequest> {
    return new Promise((resolve) => {
      const done = requests.find(match)
      if (done) return resolve(done)
      const listener = (record: FakeRequest) => {
        if (!match(record)) return
        events.off(event, listener)
        resolve(record)
      }
      events.on(event, listener)
    })
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy())
  })
  // Node's 5 s default races a client's keep-alive reuse (a request on a socket being closed: ECONNRESET);
  // clients here do not all retry that (the bare relay baseline does not), so idle sockets stay open.
  server.keepAliveTimeout = 120_000
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    emits,
    modelListings,
    options,
    answerFor: (question) => chunksFor(question, parseDirectives(question).words).join(''),
    chunksFor: (question) => chunksFor(question, parseDirectives(question).words),
    abortedCount: () => requests.filter((r) => r.aborted).length,
    whenAborted: (match) => when('aborted', (r) => r.aborted && match(r)),
    whenReceived: (match) => when('received', match),
    async close() {
      for (const t of timers) clearTimeout(t)
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
