import { describe, expect, it } from 'vitest'
import { contextFor } from '../../../test/support/rule-tester.js'
import { checkNames } from './check-names.js'
import { editDistance, suggest } from './suggest.js'

function run(code: string) {
  const { source, names, index } = contextFor(code)
  return checkNames(code, source, names, index)
}

describe('checkNames', () => {
  it('places an unknown static on its line with a certain case fix', () => {
    const code = "import { PrivateKey } from '@hiero-ledger/sdk'\n\nconst key = PrivateKey.fromStringEcdsa(hex)"
    const { diagnostics, patches } = run(code)
    expect(diagnostics).toEqual([{ line: 3, column: 24, endLine: 3, endColumn: 39, severity: 'error', message: '`PrivateKey` has no member `fromStringEcdsa`. Did you mean `fromStringECDSA`?', source: 'hedera-api' }])
    expect(patches).toMatchObject([{ mode: 'replace', startLine: 3, endLine: 3, code: 'const key = PrivateKey.fromStringECDSA(hex)' }])
  })

  it('suggests close class names, and patches only a unique distance-1 one', () => {
    const code = "import { TokenAssociationTransaction } from '@hiero-ledger/sdk'\nnew TokenAssociationTransaction()"
    const { diagnostics, patches } = run(code)
    expect(diagnostics.map((d) => d.line)).toEqual([1, 2])
    expect(diagnostics[0]!.message).toMatch(/exports no `TokenAssociationTransaction`/)
    expect(patches).toEqual([])
  })

  it('flags an unknown builder method on a known class', () => {
    const code = "import { TransferTransaction } from '@hiero-ledger/sdk'\nnew TransferTransaction().addHbarTransfers(a, 1)"
    const { diagnostics, patches } = run(code)
    expect(diagnostics[0]).toMatchObject({ line: 2, message: expect.stringMatching(/Did you mean `addHbarTransfer`/) as string })
    expect(patches.map((p) => p.code)).toEqual(['new TransferTransaction().addHbarTransfer(a, 1)'])
  })

  it("leaves the file's own classes and methods alone, even with an SDK name", () => {
    const code = "import { Client } from '@hiero-ledger/sdk'\nclass Wallet { balance() { return 1 } }\nconst w = new Wallet()\nw.balance()\nconst cfg = { setNetwork(n: string) { return n } }\ncfg.setNetwork('testnet')\nClient.forTestnet()"
    expect(run(code).diagnostics).toEqual([])
  })

  it('says nothing about correct code or code that is not the SDK', () => {
    expect(run("import { Client, Hbar } from '@hiero-ledger/sdk'\nconst c = Client.forTestnet()\nc.setDefaultMaxTransactionFee(new Hbar(1))").diagnostics).toEqual([])
    expect(run("const m = new Map()\nm.set('a', 1)\ndocument.setAttribute('x')").diagnostics).toEqual([])
  })
})

describe('suggest', () => {
  it('ranks by distance and treats case-only differences as certain', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3)
    expect(editDistance('ab', 'ba')).toBe(1)
    expect(suggest('fromStringEcdsa', ['fromStringECDSA', 'fromStringDer', 'fromString'])[0]).toEqual({ name: 'fromStringECDSA', caseOnly: true, distance: 0 })
    expect(suggest('zzz', ['fromString'])).toEqual([])
  })
})
