/** The checks every MCP transport must pass, run with the official MCP client (HTTP and stdio tests share them). */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { expect, it } from 'vitest'
import { testKnowledge } from './server.js'

type Structured = Record<string, unknown> & { [key: string]: never }

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult
}

/** The structured result of a call that must succeed; its text form must say the same. */
async function ok<T = Structured>(client: Client, name: string, args: Record<string, unknown>): Promise<T> {
  const result = await call(client, name, args)
  const first = result.content[0]
  expect(result.isError, first?.type === 'text' ? first.text : '').toBeFalsy()
  expect(first?.type === 'text' ? JSON.parse(first.text) : undefined).toEqual(result.structuredContent)
  return result.structuredContent as T
}

async function toolError(client: Client, name: string, args: Record<string, unknown>): Promise<string> {
  const result = await call(client, name, args)
  expect(result.isError).toBe(true)
  const first = result.content[0]
  return first?.type === 'text' ? first.text : ''
}

/** Registers the shared cases; `client()` is called inside each test (after beforeAll connected it). */
export function mcpToolCases(client: () => Client): void {
  it('lists the four tools with descriptions and input and output schemas', async () => {
    const { tools } = await client().listTools()
    expect(tools.map((t) => t.name).sort()).toEqual(['check_code', 'explain_status', 'lookup_sdk_api', 'search_knowledge'])
    for (const tool of tools) {
      expect(tool.description!.length).toBeGreaterThan(40)
      expect(tool.description!.length).toBeLessThan(400)
      expect(tool.inputSchema.type).toBe('object')
      expect(tool.outputSchema?.type).toBe('object')
      expect(tool.annotations?.readOnlyHint).toBe(true)
    }
    expect(tools.find((t) => t.name === 'check_code')!.inputSchema.required).toEqual(['code'])
  })

  it('search_knowledge ranks the association guide first for an association question, with bounded passages', async () => {
    const result = await ok<{ hits: { uri: string; passage: string; text: string; kind: string }[] }>(client(), 'search_knowledge', { query: 'receiver cannot get my token, how do I associate it', language: 'typescript' })
    expect(result.hits.length).toBeGreaterThan(0)
    expect(result.hits.length).toBeLessThanOrEqual(6)
    expect(result.hits.slice(0, 3).map((h) => h.uri)).toContain('hedera-guide://token-associate')
    for (const hit of result.hits) {
      expect(hit.text.length).toBeLessThanOrEqual(700)
      expect(hit.uri).toMatch(/^hedera-(guide|api):\/\//)
    }
    const few = await ok<{ hits: unknown[] }>(client(), 'search_knowledge', { query: 'TransferTransaction', limit: 2 })
    expect(few.hits).toHaveLength(2)
  })

  it('lookup_sdk_api gives exact signatures, deprecations with their replacement, pages, and near names', async () => {
    const method = await ok<{ found: boolean; kind: string; members: { signature: string; declaredOn: string }[] }>(client(), 'lookup_sdk_api', { name: 'TransferTransaction.addHbarTransfer' })
    expect(method.found).toBe(true)
    expect(method.kind).toBe('member')
    expect(method.members[0]!.signature).toMatch(/^\(accountId: .*Hbar.*\): TransferTransaction$/)
    const deprecated = await ok<{ members: { deprecated?: string; replacement?: string }[] }>(client(), 'lookup_sdk_api', { name: 'Client.setMaxTransactionFee' })
    expect(deprecated.members[0]!.deprecated).toMatch(/setDefaultMaxTransactionFee/)
    expect(deprecated.members[0]!.replacement).toBe('Client.setDefaultMaxTransactionFee')
    const status = await ok<{ values: unknown[]; nextOffset?: number }>(client(), 'lookup_sdk_api', { name: 'Status', limit: 10 })
    expect(status.values).toHaveLength(10)
    expect(status.nextOffset).toBe(10)
    const member = await ok<{ values: { name: string; value: string }[] }>(client(), 'lookup_sdk_api', { name: 'Status.TokenNotAssociatedToAccount' })
    expect(member.values).toEqual([{ name: 'TokenNotAssociatedToAccount', value: 'TOKEN_NOT_ASSOCIATED_TO_ACCOUNT' }])
    const missing = await ok<{ found: boolean; suggestions: string[] }>(client(), 'lookup_sdk_api', { name: 'TransferTransaktion' })
    expect(missing.found).toBe(false)
    expect(missing.suggestions).toContain('TransferTransaction')
  })

  it('check_code finds nothing in any guide example (correct code) and places a fix for a misspelt method', async () => {
    for (const guide of testKnowledge().guides) {
      const clean = await ok<{ diagnostics: unknown[]; checks: string[] }>(client(), 'check_code', { code: guide.examples[0]! })
      expect(clean.diagnostics, guide.id).toEqual([])
      expect(clean.checks).toContain('hedera-api')
    }
    const code = [
      "import { Client, Hbar, TransferTransaction } from '@hiero-ledger/sdk'",
      'const client = Client.forTestnet()',
      'const tx = new TransferTransaction()',
      "  .addHbarTransfr('0.0.1001', new Hbar(-1))",
      "  .addHbarTransfer('0.0.1002', new Hbar(1))",
      'await tx.execute(client)',
    ].join('\n')
    const result = await ok<{ diagnostics: { line: number; column: number; message: string; severity: string }[]; patches: { mode: string; startLine: number; endLine: number; code: string }[] }>(client(), 'check_code', { code, language: 'typescript' })
    expect(result.diagnostics).toHaveLength(1)
    expect(result.diagnostics[0]).toMatchObject({ line: 4, severity: 'error' })
    expect(result.diagnostics[0]!.message).toMatch(/addHbarTransfr.*did you mean `?(TransferTransaction\.)?addHbarTransfer/i)
    expect(result.patches).toEqual([expect.objectContaining({ mode: 'replace', startLine: 4, endLine: 4, code: "  .addHbarTransfer('0.0.1001', new Hbar(-1))" })])
  })

  it('check_code runs the type check and the pitfall rules: a wrong argument type, and the old package name with its fix', async () => {
    type Checked = { checks: string[]; diagnostics: { line: number; source: string; rule?: string; code?: number; message: string }[]; patches: { mode: string; startLine: number; endLine: number; code: string; source: string }[]; omitted: number }
    const typed = ["import { Client, TransferTransaction } from '@hiero-ledger/sdk'", 'const client = Client.forTestnet()', 'const tx = new TransferTransaction().setTransactionMemo(42)', 'await tx.execute(client)'].join('\n')
    const wrong = await ok<Checked>(client(), 'check_code', { code: typed, language: 'typescript' })
    expect(wrong.checks).toEqual(['typescript', 'hedera-api', 'rules'])
    expect(wrong.diagnostics).toEqual([expect.objectContaining({ line: 3, source: 'typescript', code: 2345 })])
    expect(wrong.diagnostics[0]!.message).toMatch(/number.*string/)
    expect(wrong.omitted).toBe(0)
    const old = ["import { Client } from '@hashgraph/sdk'", 'const client = Client.forTestnet()', 'client.close()'].join('\n')
    const moved = await ok<Checked>(client(), 'check_code', { code: old, language: 'javascript' })
    expect(moved.diagnostics.filter((d) => d.source !== 'typescript')).toEqual([expect.objectContaining({ line: 1, source: 'rule:old-sdk-import', rule: 'old-sdk-import' })])
    expect(moved.patches).toEqual([expect.objectContaining({ mode: 'replace', startLine: 1, endLine: 1, code: "import { Client } from '@hiero-ledger/sdk'", source: 'rule:old-sdk-import' })])
  })

  it('explain_status reads a receipt error, a precheck error and a bare name, and says when there is no status', async () => {
    const receipt = await ok<{ statuses: { status: string; member: string; phase: string; remedy: string; sources: { uri: string }[] }[] }>(client(), 'explain_status', {
      output: 'ReceiptStatusError: receipt for transaction 0.0.1234@1700000000.000000001 contained error status TOKEN_NOT_ASSOCIATED_TO_ACCOUNT\n    at TransactionReceiptQuery._mapStatusError',
    })
    expect(receipt.statuses).toHaveLength(1)
    expect(receipt.statuses[0]).toMatchObject({ status: 'TOKEN_NOT_ASSOCIATED_TO_ACCOUNT', member: 'Status.TokenNotAssociatedToAccount', phase: 'receipt' })
    expect(receipt.statuses[0]!.remedy).toMatch(/TokenAssociateTransaction/)
    // The run reader's own guide first, then the guides about the status.
    expect(receipt.statuses[0]!.sources.map((s) => s.uri).slice(0, 2)).toEqual(['hedera-guide://token-associate', 'hedera-guide://errors-token-transfers'])
    const precheck = await ok<{ statuses: { status: string; phase: string }[] }>(client(), 'explain_status', { output: 'transaction 0.0.5@1700000000.1 failed precheck with status INSUFFICIENT_PAYER_BALANCE against node account id 0.0.3' })
    expect(precheck.statuses[0]).toMatchObject({ status: 'INSUFFICIENT_PAYER_BALANCE', phase: 'precheck' })
    const bare = await ok<{ statuses: { status: string; meaning: string }[] }>(client(), 'explain_status', { output: 'Status.InvalidSignature' })
    expect(bare.statuses[0]!.status).toBe('INVALID_SIGNATURE')
    const none = await ok<{ statuses: unknown[]; note?: string }>(client(), 'explain_status', { output: 'TypeError: cannot read properties of undefined' })
    expect(none.statuses).toEqual([])
    expect(none.note).toMatch(/search_knowledge/)
  })

  it('answers bad input with a tool error naming the field and the fix', async () => {
    expect(await toolError(client(), 'check_code', { code: 42 })).toMatch(/code must be a string/)
    expect(await toolError(client(), 'check_code', { code: 'x'.repeat(50_001) })).toMatch(/code is over 50000 characters/)
    expect(await toolError(client(), 'search_knowledge', { query: 'tokens', language: 'cobol' })).toMatch(/language must be one of typescript, javascript/)
    expect(await toolError(client(), 'lookup_sdk_api', { name: 'new Client()' })).toMatch(/name must be a class/)
    expect(await toolError(client(), 'explain_status', {})).toMatch(/output/)
    // The connection survives: the next call works.
    expect((await ok<{ found: boolean }>(client(), 'lookup_sdk_api', { name: 'Client' })).found).toBe(true)
  })

  it('lists every guide and API entry in pages and reads each kind by URI', async () => {
    const knowledge = testKnowledge()
    const uris: string[] = []
    let cursor: string | undefined
    let pages = 0
    do {
      const page = await client().listResources(cursor ? { cursor } : {})
      expect(page.resources.length).toBeLessThanOrEqual(50)
      uris.push(...page.resources.map((r) => r.uri))
      cursor = page.nextCursor
      pages++
    } while (cursor && pages < 20)
    expect(uris).toHaveLength(knowledge.guides.length + knowledge.index.classes.length)
    expect(uris).toContain('hedera-guide://token-associate')
    expect(uris).toContain('hedera-api://TransferTransaction')
    const { resourceTemplates } = await client().listResourceTemplates()
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual(['hedera-api://{name}', 'hedera-guide://{id}'])
    const guide = await client().readResource({ uri: 'hedera-guide://token-associate' })
    const guideText = (guide.contents[0] as { text: string }).text
    expect(guideText).toMatch(/^# /)
    expect(guideText).toContain('```ts\nimport')
    expect(guideText).toContain('TokenAssociateTransaction')
    const api = await client().readResource({ uri: 'hedera-api://Client' })
    expect((api.contents[0] as { text: string }).text).toContain('Client.forTestnet(')
    await expect(client().readResource({ uri: 'hedera-guide://no-such-guide' })).rejects.toThrow(/No guide "no-such-guide"/)
    const completed = await client().complete({ ref: { type: 'ref/resource', uri: 'hedera-api://{name}' }, argument: { name: 'name', value: 'TransferT' } })
    expect(completed.completion.values).toEqual(['TransferTransaction'])
  })
}
