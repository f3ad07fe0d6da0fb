import { describe, it } from 'vitest'
import { hbarUnits } from './hbar-units.js'
import { testRule } from '../../../test/support/rule-tester.js'

const HEAD = "import { Client, Hbar, AccountCreateTransaction, TransferTransaction } from '@hiero-ledger/sdk'\nconst client = Client.forTestnet()\n"

describe('rule hbar-units', () => {
  it('flags tinybar/hbar mix-ups written as literals', () => {
    testRule(
      hbarUnits,
      [
        `${HEAD}client.setDefaultMaxTransactionFee(new Hbar(2))`,
        `${HEAD}client.setDefaultMaxTransactionFee(Hbar.fromTinybars(100_000_000))`,
        `${HEAD}new AccountCreateTransaction().setInitialBalance(new Hbar(10))`,
        `${HEAD}const fee = Hbar.fromTinybars(500)`,
        `${HEAD}new Hbar(0.00000001)`,
        `${HEAD}new TransferTransaction().addHbarTransfer(a, -5).addHbarTransfer(b, 5)`,
        `${HEAD}new AccountCreateTransaction().setInitialBalance(1000)`,
        `${HEAD}new TokenMintTransaction().setTokenId(t).setAmount(500_000_000)`, // token units, not hbar
        "const x = { setMaxTransactionFee(n) {} }\nx.setMaxTransactionFee(100000000)", // no SDK in the file
      ],
      [
        { code: `${HEAD}client.setDefaultMaxTransactionFee(100000000)`, lines: [3], message: /looks like tinybars/, output: 'client.setDefaultMaxTransactionFee(Hbar.fromTinybars(100000000))' },
        { code: `${HEAD}const q = new AccountBalanceQuery().setQueryPayment(2_000_000)`, lines: [3], output: 'const q = new AccountBalanceQuery().setQueryPayment(Hbar.fromTinybars(2_000_000))' },
        { code: `${HEAD}const amount = Hbar.fromTinybars(0.5)`, lines: [3], message: /whole tinybars/, output: 'const amount = new Hbar(0.5)' },
        { code: `${HEAD}new AccountCreateTransaction().setInitialBalance(500000000)`, lines: [3], message: /as hbar/, output: null },
        { code: `${HEAD}const tiny = new Hbar(0.000000001)`, lines: [3], message: /8 decimals/, output: null },
      ],
    )
  })
})
