/** The stdio MCP entry as a coding agent starts it, driven by the official MCP TypeScript client; no HTTP server runs. */
import { fileURLToPath } from 'node:url'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mcpToolCases } from './support/mcp-tools.js'

const root = fileURLToPath(new URL('../..', import.meta.url))

describe('MCP over stdio (app/src/mcp/stdio.ts)', () => {
  let client: Client
  let transport: StdioClientTransport
  let stderr = ''
  beforeAll(async () => {
    // As `npm run --silent mcp` runs it, without npm's banner on stdout.
    transport = new StdioClientTransport({ command: process.execPath, args: ['--import', 'tsx', 'app/src/mcp/stdio.ts'], cwd: root, stderr: 'pipe' })
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
    client = new Client({ name: 'mcp-stdio-test', version: '1.0.0' })
    await client.connect(transport)
  })
  afterAll(async () => {
    await client?.close()
  })

  it('introduces itself with the SDK version it is pinned to, on stderr only', async () => {
    expect(client.getServerVersion()?.name).toBe('hedera-assistant')
    expect(client.getInstructions()).toMatch(/@hiero-ledger\/sdk \d+\.\d+\.\d+/)
    expect(stderr).toMatch(/\d+ guides, \d+ classes/)
  })

  mcpToolCases(() => client)

  it('ends when the client closes its stdin', async () => {
    const pid = transport.pid
    expect(pid).toBeTypeOf('number')
    await client.close()
    // close() waits for the child to exit (it signals it when stdin closing is not enough).
    expect(() => process.kill(pid!, 0)).toThrow()
  })
})
