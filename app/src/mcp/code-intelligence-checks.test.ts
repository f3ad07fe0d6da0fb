import { afterAll, describe, expect, it } from 'vitest'
import { testKnowledge } from '../../test/support/server.js'
import { createCodeIntelligence } from '../code/index.js'
import { codeIntelligenceChecks, MAX_DIAGNOSTICS } from './code-intelligence-checks.js'

const knowledge = testKnowledge()
// The rules and the name check only: the type check's part is covered through the MCP transports' tests.
const code = createCodeIntelligence({ knowledge, typeCheck: false })
const checks = codeIntelligenceChecks(code, knowledge)
afterAll(() => code.close())

describe('MCP checks on the code unit', () => {
  it('says which checks ran: without the type checker, rules and names; a file it does not read, none', async () => {
    const result = await checks.check("import { Client } from '@hashgraph/sdk'\nClient.forTestnet()", 'typescript')
    expect(result.checks).toEqual(['hedera-api', 'rules'])
    expect(result.diagnostics.map((d) => d.source)).toEqual(['rule:old-sdk-import'])
    expect(result.patches[0]).toMatchObject({ mode: 'replace', startLine: 1, endLine: 1, title: 'Import from @hiero-ledger/sdk' })
    const binary = await checks.check('const a = 1\u0000\u0000', 'javascript')
    expect(binary).toEqual({ language: 'javascript', checks: [], diagnostics: [], patches: [], omitted: 0 })
  })

  it('keeps at most the first diagnostics and counts the rest', async () => {
    const lines = ["import { Client } from '@hiero-ledger/sdk'", ...Array.from({ length: MAX_DIAGNOSTICS + 7 }, (_, i) => `Client.forTestnett${i}()`)]
    const result = await checks.check(lines.join('\n'), 'typescript')
    expect(result.diagnostics).toHaveLength(MAX_DIAGNOSTICS)
    expect(result.omitted).toBe(7)
    expect(result.diagnostics[0]!.line).toBe(2)
  })

  it('explains statuses from the run reader with their phase, and falls back to the Status list for a bare member name', () => {
    const receipt = checks.explainOutput('ReceiptStatusError: receipt for transaction 0.0.5@1700000000.1 contained error status INVALID_ACCOUNT_AMOUNTS')
    expect(receipt.statuses).toEqual([expect.objectContaining({ status: 'INVALID_ACCOUNT_AMOUNTS', member: 'Status.InvalidAccountAmounts', phase: 'receipt' })])
    expect(receipt.statuses[0]!.remedy).toMatch(/negative/)
    expect(receipt.statuses[0]!.sources[0]!.uri).toBe('hedera-guide://hbar-transfer')
    const precheck = checks.explainOutput('PrecheckStatusError: transaction 0.0.5@1700000000.1 failed precheck with status INVALID_SIGNATURE')
    expect(precheck.statuses[0]).toMatchObject({ status: 'INVALID_SIGNATURE', phase: 'precheck' })
    const bare = checks.explainOutput('Status.TokenNotAssociatedToAccount')
    expect(bare.statuses[0]).toMatchObject({ status: 'TOKEN_NOT_ASSOCIATED_TO_ACCOUNT', phase: 'unknown' })
    expect(checks.explainOutput('all done').note).toMatch(/search_knowledge/)
  })
})
