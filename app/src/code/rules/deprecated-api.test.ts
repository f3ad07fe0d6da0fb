import { describe, it } from 'vitest'
import { deprecatedApi } from './deprecated-api.js'
import { testRule } from '../../../test/support/rule-tester.js'

const HEAD = "import { Client, AccountCreateTransaction, TransferTransaction, PrivateKey } from '@hiero-ledger/sdk'\nconst client = Client.forTestnet()\n"

describe('rule deprecated-api', () => {
  it("flags the SDK's deprecated methods and renames when the note names a sure replacement", () => {
    testRule(
      deprecatedApi,
      [
        `${HEAD}new AccountCreateTransaction().setKeyWithoutAlias(key)`,
        `${HEAD}client.setDefaultMaxTransactionFee(new Hbar(2))`,
        `${HEAD}const other = thing()\nother.setKey(key)`, // receiver of unknown type
        `${HEAD}PrivateKey.fromStringECDSA(hex)`,
        'class AccountCreateTransaction { setKey(k) { return this } }\nnew AccountCreateTransaction().setKey(1)',
      ],
      [
        { code: `${HEAD}const tx = new AccountCreateTransaction().setKey(key).setInitialBalance(1)`, lines: [3], message: /setKeyWithoutAlias/, output: 'const tx = new AccountCreateTransaction().setKeyWithoutAlias(key).setInitialBalance(1)' },
        { code: `${HEAD}client.setMaxTransactionFee(new Hbar(2))`, lines: [3], output: 'client.setDefaultMaxTransactionFee(new Hbar(2))' },
        { code: `${HEAD}const tx = new TransferTransaction()\ntx.setHbarTransferApproval('0.0.2', true)`, lines: [4], message: /addApprovedHbarTransfer/, output: null },
        { code: `${HEAD}const key = PrivateKey.fromString(process.env.OPERATOR_KEY)`, lines: [3], message: /fromStringECDSA/, output: null },
      ],
    )
  })
})
