/**
 * GET /api/openapi.json against the real server: schemathesis (from PyPI, .tools/schemathesis-venv) loads
 * the document, generates requests from it (bounded examples) and checks every real response against it:
 * status codes, content types, headers, bodies, SSE events, and that invalid input is refused.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'

const ROOT = join(import.meta.dirname, '..', '..')
const SCHEMATHESIS = join(ROOT, '.tools', 'schemathesis-venv', 'bin', 'schemathesis')
const API_TOKEN = 'tok_schemathesis_0123456789'
const MAX_EXAMPLES = '15'

let fake: FakeOpenAi
let open: TestServer
let authed: TestServer

beforeAll(async () => {
  if (!existsSync(SCHEMATHESIS)) throw new Error(`${SCHEMATHESIS} is missing; run bash scripts/tools/schemathesis.sh (npm test does)`)
  fake = await startFakeOpenAi({ chunkDelayMs: 0 })
  open = await startTestServer(upstreamEnv(fake.url, { LOG_LEVEL: 'warn' }))
  authed = await startTestServer(upstreamEnv(fake.url, { LOG_LEVEL: 'warn', AUTH_MODE: 'token', API_TOKENS: API_TOKEN }))
})

afterAll(async () => {
  await Promise.all([open?.close(), authed?.close()])
  await fake?.close()
})

/** Runs schemathesis; resolves with its exit code and output. */
function schemathesis(server: TestServer, extra: string[] = []): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const args = [
      '--config-file', join(ROOT, 'app', 'test', 'schemathesis.toml'),
      'run', `${server.http}/api/openapi.json`,
      // Every check is on by default (schemathesis.toml turns one off for one operation, and says why).
      '--max-examples', MAX_EXAMPLES,
      '--workers', '1',
      '--request-timeout', '10',
      '--seed', '20261201',
      '--no-color',
      ...extra,
    ]
    const child = spawn(SCHEMATHESIS, args, { env: { ...process.env, SCHEMATHESIS_HOOKS: '' } })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    child.on('close', (code) => resolve({ code, output }))
  })
}

describe('the OpenAPI document against the real server', () => {
  it('documents the chat request exactly as the server validates it', async () => {
    const doc = (await (await fetch(`${open.http}/api/openapi.json`)).json()) as {
      openapi: string
      components: { schemas: { ChatRequest: { properties: { content: { maxLength: number; pattern: string } }; required: string[] } } }
    }
    expect(doc.openapi).toBe('3.1.0')
    const chat = doc.components.schemas.ChatRequest
    expect(chat.required).toEqual(['content'])
    expect(chat.properties.content.maxLength).toBe(open.config.limits.maxContentChars)
    expect(chat.properties.content.pattern).toBe('\\S')
  })

  it('answers a method a documented path does not take with 405 and Allow, read from the document', async () => {
    const res = await fetch(`${open.http}/health`, { method: 'DELETE' })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('GET, HEAD')
    expect(await res.json()).toEqual({ type: 'error', code: 'method_not_allowed', error: 'DELETE is not allowed on /health; use GET, HEAD' })
    expect((await fetch(`${open.http}/no/such/path`, { method: 'DELETE' })).status).toBe(404)
  })

  it('schemathesis finds no response that contradicts it (anonymous server)', async () => {
    const { code, output } = await schemathesis(open)
    expect(output).toMatch(/API Operations:\s+Selected: \d+\/\d+\s+Tested: \d+/)
    expect(code, output).toBe(0)
  }, 120_000)

  it('schemathesis finds no response that contradicts it (AUTH_MODE=token, with and without the token)', async () => {
    const { code, output } = await schemathesis(authed, ['--header', `Authorization: Bearer ${API_TOKEN}`])
    expect(code, output).toBe(0)
  }, 120_000)
})
