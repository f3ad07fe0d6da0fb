import { describe, expect, it } from 'vitest'
import { testKnowledge } from '../../test/support/server.js'
import { createApiNameCheck, MAX_DIAGNOSTICS } from './api-name-check.js'

const check = createApiNameCheck(testKnowledge())
const IMPORT = "import { AccountId, Client, Hbar, PrivateKey, TokenAssociateTransaction, TransferTransaction } from '@hiero-ledger/sdk'"

describe('createApiNameCheck', () => {
  it.each([
    ['a builder chain', `${IMPORT}\nconst tx = new TransferTransaction().addHbarTransfer('0.0.1', new Hbar(-1)).addHbarTransfer('0.0.2', new Hbar(1))`],
    ['template literals with backticks and a fence inside', `${IMPORT}\nconst s = \`\`\`\${AccountId.fromString('0.0.3')}\`\`\`\nconsole.log(s)`],
    ['DOM and timer setters beside SDK code', `${IMPORT}\nsetTimeout(() => {}, 1)\ndocument.body.setAttribute('x', 'y')`],
    ['JavaScript without imports', "const { Client } = require('@hiero-ledger/sdk')\nconst client = Client.forTestnet()"],
    ['a comment naming a method that does not exist', `${IMPORT}\n// new TransferTransaction().addHbarTransfr() is a typo we avoid\nconst k = PrivateKey.generateECDSA()`],
  ])('finds nothing in correct code: %s', async (_name, code) => {
    const result = await check(code, 'typescript')
    expect(result.diagnostics).toEqual([])
    expect(result.patches).toEqual([])
  })

  it('places a misspelt static method on its line and column, with the replaced line as the patch', async () => {
    const code = `${IMPORT}\n\nconst client = Client.forTestnett()`
    const { diagnostics, patches } = await check(code, 'typescript')
    expect(diagnostics).toEqual([expect.objectContaining({ line: 3, column: 16, endLine: 3, endColumn: 34, severity: 'error', source: 'hedera-api' })])
    expect(diagnostics[0]!.message).toBe('Client.forTestnett is not in @hiero-ledger/sdk 2.87.0; did you mean Client.forTestnet?')
    expect(patches).toEqual([{ mode: 'replace', startLine: 3, endLine: 3, code: 'const client = Client.forTestnet()', title: 'Use Client.forTestnet instead of forTestnett', source: 'hedera-api' }])
  })

  it('offers no patch when no single name is close: a wrong fix is worse than none', async () => {
    const code = `${IMPORT}\nconst tx = new TokenAssociateTransaction().setEverything(true)`
    const { diagnostics, patches } = await check(code, 'javascript')
    expect(diagnostics).toHaveLength(1)
    expect(diagnostics[0]!.message).toMatch(/TokenAssociateTransaction\.setEverything is not in .*; look the class up with lookup_sdk_api/)
    expect(patches).toEqual([])
  })

  it('flags an SDK-shaped import that the SDK does not export, on the import line', async () => {
    const { diagnostics } = await check("import { TokenTransferTransaction } from '@hiero-ledger/sdk'\nnew TokenTransferTransaction()", 'typescript')
    expect(diagnostics[0]).toMatchObject({ line: 1, message: expect.stringMatching(/^TokenTransferTransaction is not in/) as unknown })
  })

  it('keeps at most MAX_DIAGNOSTICS and says how many it left out', async () => {
    const lines = Array.from({ length: MAX_DIAGNOSTICS + 5 }, (_, i) => `new TransferTransaction().zzMissing${i}()`)
    const result = await check(`${IMPORT}\n${lines.join('\n')}`, 'typescript')
    expect(result.diagnostics).toHaveLength(MAX_DIAGNOSTICS)
    expect(result.omitted).toBe(5)
  })
})
