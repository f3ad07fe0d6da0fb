/** The MCP server driven by the official `mcp` Python package (the project's test venv), over Streamable HTTP and stdio. */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './support/server.js'

const root = join(import.meta.dirname, '..', '..')
const PYTHON = join(root, '.tools', 'venv', 'bin', 'python')
const SCRIPT = join(import.meta.dirname, 'mcp-python', 'client.py')
const API_TOKEN = 'tok_live_mcp_python_0123456789'

interface Seen {
  error?: string
  statuses?: number[]
  server: string
  tools: string[]
  search: string[]
  lookup: { replacement?: string; deprecated?: string }
  check: { diagnostics: { line: number; message: string }[]; patches: { startLine: number; code: string }[] }
  typeError: { checks: string[]; diagnostics: { line: number; source: string; code?: number }[] }
  oldImport: { diagnostics: { line: number; source: string }[]; patches: { startLine: number; code: string; source: string }[] }
  explain: { status: string; phase: string; sources: { uri: string }[] }[]
  wrongType: { isError: boolean; text: string }
  oversized: { isError: boolean; text: string }
  resources: number
  guideStart: string
}

/** Runs client.py; resolves with its one JSON line and its exit code. */
function python(args: string[]): Promise<{ code: number | null; seen: Seen }> {
  const child = spawn(PYTHON, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: root })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  return new Promise((resolve, reject) =>
    child.on('close', (code) => {
      try {
        resolve({ code, seen: JSON.parse(stdout) as Seen })
      } catch {
        reject(new Error(`client.py printed no JSON (exit ${code}): ${stdout} ${stderr}`))
      }
    }),
  )
}

function expectEverythingSeen(seen: Seen): void {
  expect(seen.error).toBeUndefined()
  expect(seen.server).toBe('hedera-assistant')
  expect(seen.tools).toEqual(['check_code', 'explain_status', 'lookup_sdk_api', 'search_knowledge'])
  expect(seen.search[0]).toBe('hedera-guide://token-associate')
  expect(seen.lookup.replacement).toBe('Client.setDefaultMaxTransactionFee')
  expect(seen.check.diagnostics).toEqual([expect.objectContaining({ line: 3, message: expect.stringMatching(/did you mean `?(TransferTransaction\.)?addHbarTransfer/i) as unknown })])
  expect(seen.check.patches[0]!.code).toContain('.addHbarTransfer(\'0.0.1001\'')
  expect(seen.typeError.checks).toContain('typescript')
  expect(seen.typeError.diagnostics).toEqual([expect.objectContaining({ line: 2, source: 'typescript', code: 2345 })])
  expect(seen.oldImport.diagnostics.filter((d) => d.source !== 'typescript')).toEqual([expect.objectContaining({ line: 1, source: 'rule:old-sdk-import' })])
  expect(seen.oldImport.patches).toEqual([expect.objectContaining({ startLine: 1, code: "import { Client } from '@hiero-ledger/sdk'", source: 'rule:old-sdk-import' })])
  expect(seen.explain[0]).toMatchObject({ status: 'INVALID_SIGNATURE', phase: 'precheck' })
  expect(seen.explain[0]!.sources[0]!.uri).toBe('hedera-guide://errors-invalid-signature')
  expect(seen.wrongType).toMatchObject({ isError: true, text: expect.stringMatching(/code must be a string/) as unknown })
  expect(seen.oversized).toMatchObject({ isError: true, text: expect.stringMatching(/code is over 50000 characters/) as unknown })
  expect(seen.resources).toBeGreaterThan(200)
  expect(seen.guideStart).toBe('# ')
}

beforeAll(() => {
  // The venv is made by scripts/tools/python.sh (npm test runs it); without it this test must fail, not skip.
  if (!existsSync(PYTHON)) throw new Error(`No test venv at ${PYTHON}: run bash scripts/install-tools.sh`)
})

describe('the official MCP Python client', () => {
  let srv: TestServer
  beforeAll(async () => {
    srv = await startTestServer({ AUTH_MODE: 'token', API_TOKENS: API_TOKEN })
  })
  afterAll(() => srv?.close())

  it('uses every tool and pages the resources over Streamable HTTP with a token', async () => {
    const { code, seen } = await python(['http', `${srv.http}/mcp`, API_TOKEN])
    expectEverythingSeen(seen)
    expect(code).toBe(0)
  })

  it('is refused with 401 without the token', async () => {
    const { code, seen } = await python(['http', `${srv.http}/mcp`])
    expect(code).toBe(3)
    expect(seen.error).toMatch(/error/i)
    expect(seen.statuses).toEqual([401])
  })

  it('uses every tool over stdio against the entry, with no server running', async () => {
    const { code, seen } = await python(['stdio', process.execPath, root])
    expectEverythingSeen(seen)
    expect(code).toBe(0)
  })
})
