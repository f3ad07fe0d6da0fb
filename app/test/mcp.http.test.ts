/** The MCP endpoint over Streamable HTTP, driven by the official MCP TypeScript client against the real server. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mcpToolCases } from './support/mcp-tools.js'
import { manualClock, startTestServer, type TestServer } from './support/server.js'

const API_TOKEN = 'tok_live_mcp_0123456789abcdef'

async function connectClient(url: string, token?: string): Promise<Client> {
  const client = new Client({ name: 'mcp-http-test', version: '1.0.0' })
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {}
  await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers } }))
  return client
}

describe('MCP over Streamable HTTP (no auth)', () => {
  let srv: TestServer
  let client: Client
  beforeAll(async () => {
    srv = await startTestServer({})
    client = await connectClient(srv.http)
  })
  afterAll(async () => {
    await client?.close()
    await srv?.close()
  })

  mcpToolCases(() => client)

  it('refuses GET and DELETE with 405 (stateless: no stream, no session) and counts requests in the metrics', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(`${srv.http}/mcp`, { method, headers: { accept: 'text/event-stream' } })
      expect(res.status).toBe(405)
      expect(res.headers.get('allow')).toBe('POST')
      expect(((await res.json()) as { error: string }).error).toMatch(/stateless/)
    }
    const metrics = await (await fetch(`${srv.http}/metrics`)).text()
    expect(metrics).toMatch(/assistant_mcp_requests_total\{method="tools\/call",tool="check_code"\} [1-9]/)
    expect(metrics).toMatch(/assistant_mcp_requests_total\{method="initialize",tool=""\} [1-9]/)
  })

  it('answers a body that is not JSON with a JSON-RPC parse error, and the server keeps serving', async () => {
    const res = await fetch(`${srv.http}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":' })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(-32700)
    expect((await client.listTools()).tools).toHaveLength(4)
  })

  it('refuses a page from another origin (DNS rebinding) with 403', async () => {
    const res = await fetch(`${srv.http}/mcp`, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' })
    expect(res.status).toBe(403)
  })
})

describe('MCP over Streamable HTTP, AUTH_MODE=token', () => {
  let srv: TestServer
  beforeAll(async () => {
    srv = await startTestServer({ AUTH_MODE: 'token', API_TOKENS: API_TOKEN })
  })
  afterAll(() => srv?.close())

  it('refuses a client without a token with 401 and serves one with it', async () => {
    const error = await connectClient(srv.http).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StreamableHTTPError)
    expect((error as StreamableHTTPError).code).toBe(401)
    expect(await connectClient(srv.http, 'tok_wrong_0123456789abcdef').catch((e: unknown) => (e as StreamableHTTPError).code)).toBe(401)
    const client = await connectClient(srv.http, API_TOKEN)
    expect((await client.listTools()).tools).toHaveLength(4)
    await client.close()
  })
})

describe('MCP over Streamable HTTP, rate limited', () => {
  let srv: TestServer
  const clock = manualClock()
  beforeAll(async () => {
    srv = await startTestServer({ RATE_LIMIT_CHATS_PER_MINUTE: '2', RATE_LIMIT_WINDOW_MS: '60000' }, { clock })
  })
  afterAll(() => srv?.close())

  it('counts tool calls against the chat limit: 429 with Retry-After past it, free lists, and calls again after the window', async () => {
    const client = await connectClient(srv.http)
    for (let i = 0; i < 2; i++) expect((await client.callTool({ name: 'lookup_sdk_api', arguments: { name: 'Hbar' } })).isError).toBeFalsy()
    const refused = await client.callTool({ name: 'lookup_sdk_api', arguments: { name: 'Hbar' } }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(StreamableHTTPError)
    expect((refused as StreamableHTTPError).code).toBe(429)
    expect((refused as Error).message).toMatch(/Too many questions/)
    // The handshake and the lists do not count.
    expect((await client.listTools()).tools).toHaveLength(4)
    const raw = await fetch(`${srv.http}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'lookup_sdk_api', arguments: { name: 'Hbar' } } }),
    })
    expect(raw.status).toBe(429)
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0)
    // A batch cannot pass several calls as one against the limit.
    const call = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'lookup_sdk_api', arguments: { name: 'Hbar' } } })
    const batch = await fetch(`${srv.http}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify([call(1), call(2)]) })
    expect(batch.status).toBe(400)
    expect(((await batch.json()) as { error: { message: string } }).error.message).toMatch(/send one per POST/)
    clock.advance(60_000)
    expect((await client.callTool({ name: 'lookup_sdk_api', arguments: { name: 'Hbar' } })).isError).toBeFalsy()
    await client.close()
  })
})
