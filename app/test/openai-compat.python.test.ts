/** The OpenAI-compatible endpoint driven by the official `openai` Python package (the project's test venv). */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CompleteMetadata } from '../src/protocol/frames.js'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { collectSse, postChat } from './support/sse-client.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'

const root = join(import.meta.dirname, '..', '..')
const PYTHON = join(root, '.tools', 'venv', 'bin', 'python')
const SCRIPT = join(import.meta.dirname, 'openai-python', 'client.py')
const TOKEN = 'token-for-the-python-sdk-0001'

type Output = Record<string, unknown>

/** Runs one scenario of client.py; resolves with its JSON lines once it exits. */
function python(srv: TestServer, scenario: string, question: string, apiKey = TOKEN): Promise<Output[]> {
  return running(srv, scenario, question, apiKey).exited
}

function running(srv: TestServer, scenario: string, question: string, apiKey = TOKEN) {
  const child = spawn(PYTHON, [SCRIPT, scenario, `${srv.http}/v1`, apiKey, question], { stdio: ['pipe', 'pipe', 'pipe'] })
  const lines: Output[] = []
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const reader = createInterface({ input: child.stdout })
  const firstLine = new Promise<Output>((resolve) => reader.once('line', (line) => resolve(JSON.parse(line) as Output)))
  reader.on('line', (line) => lines.push(JSON.parse(line) as Output))
  const exited = new Promise<Output[]>((resolve, reject) =>
    child.on('close', (code) => (code === 0 ? resolve(lines) : reject(new Error(`client.py ${scenario} exited ${code}: ${stderr}`)))),
  )
  return { child, firstLine, exited }
}

let fake: FakeOpenAi
let srv: TestServer
beforeAll(async () => {
  // The venv is made by scripts/tools/python.sh (npm test runs it); without it this test must fail, not skip.
  if (!existsSync(PYTHON)) throw new Error(`No test venv at ${PYTHON}: run bash scripts/install-tools.sh`)
  fake = await startFakeOpenAi()
  srv = await startTestServer(upstreamEnv(fake.url, { AUTH_MODE: 'token', API_TOKENS: TOKEN }))
})
afterAll(async () => {
  await srv?.close()
  await fake?.close()
})

describe('the openai Python package as a client', () => {
  it('lists the model', async () => {
    expect(await python(srv, 'models', '')).toEqual([{ ids: ['hedera-assistant'] }])
  })

  it('stream false: the text is the server’s own answer, with usage', async () => {
    const question = 'python: how do I create an account?'
    const [out] = await python(srv, 'complete', question)
    const native = await collectSse(await postChat(srv.http, { content: question }, { authorization: `Bearer ${TOKEN}` }))
    expect(out!.text).toBe(native.filter((e) => e.event === 'chat_delta').map((e) => e.frame.content).join(''))
    expect(out!.text).toBe(fake.answerFor(question))
    expect(out).toMatchObject({ finish: 'stop', object: 'chat.completion', model: 'gpt-4o' })
    const usage = out!.usage as { prompt: number; completion: number; total: number }
    expect(usage.completion).toBe(fake.chunksFor(question).length)
    expect(usage.total).toBe(usage.prompt + usage.completion)
    // The grounded answer's sources reach Python as an extra field of the completion.
    const metadata = native.at(-1)!.frame.metadata as CompleteMetadata
    expect(metadata.sources!.length).toBeGreaterThan(0)
    expect((out!.hedera as { sources: unknown }).sources).toEqual(metadata.sources)
  })

  it('stream true: the chunks add up to the answer, then a usage chunk', async () => {
    const question = 'python: how do I associate a token?'
    const [out] = await python(srv, 'stream', question)
    expect(out!.text).toBe(fake.answerFor(question))
    expect(out!.finish).toBe('stop')
    expect((out!.usage as { completion: number }).completion).toBe(fake.chunksFor(question).length)
  })

  it('a failure mid-stream raises APIError after the text that came first', async () => {
    const [out] = await python(srv, 'stream-error', '[[mode:cut]] python cut')
    expect(out).toMatchObject({ error: 'APIError', text: fake.chunksFor('python cut').slice(0, 3).join('') })
  })

  it('a wrong token raises AuthenticationError', async () => {
    const [out] = await python(srv, 'error', 'hi', 'not-a-valid-token-000')
    expect(out).toMatchObject({ error: 'AuthenticationError', status: 401, code: 'invalid_api_key' })
  })

  it('closing the stream cancels the upstream request', async () => {
    const question = '[[delay:30]] [[words:300]] python closes me'
    const run = running(srv, 'close', question)
    expect(await run.firstLine).toEqual({ closed: true, seen: 2 })
    // The client process is still alive here: its close, not its exit, must have aborted the upstream.
    const upstream = await fake.whenAborted((r) => r.messages.at(-1)?.content === question)
    expect(upstream.aborted).toBe(true)
    run.child.stdin.end('\n')
    await run.exited
  })

  it('a limit raises RateLimitError with Retry-After', async () => {
    const limited = await startTestServer(upstreamEnv(fake.url, { AUTH_MODE: 'token', API_TOKENS: TOKEN, RATE_LIMIT_CHATS_PER_MINUTE: '1' }))
    try {
      const first = await python(limited, 'error', 'python: first of the minute')
      const second = await python(limited, 'error', 'python: second of the minute')
      expect(first).toEqual([{ error: null }])
      expect(second[0]).toMatchObject({ error: 'RateLimitError', status: 429, code: 'rate_limit_exceeded' })
      expect(Number(second[0]!.retry_after)).toBeGreaterThan(0)
    } finally {
      await limited.close()
    }
  })
})
