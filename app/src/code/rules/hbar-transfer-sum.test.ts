import { describe, it } from 'vitest'
import { hbarTransferSum } from './hbar-transfer-sum.js'
import { testRule } from '../../../test/support/rule-tester.js'

const HEAD = "import { Hbar, HbarUnit, TransferTransaction } from '@hiero-ledger/sdk'\n"

describe('rule hbar-transfer-sum', () => {
  it('flags literal transfer lists that do not balance', () => {
    testRule(
      hbarTransferSum,
      [
        `${HEAD}new TransferTransaction().addHbarTransfer(a, new Hbar(-10)).addHbarTransfer(b, new Hbar(10))`,
        `${HEAD}new TransferTransaction().addHbarTransfer(a, -5).addHbarTransfer(b, 2).addHbarTransfer(c, 3)`,
        `${HEAD}new TransferTransaction().addHbarTransfer(a, Hbar.fromTinybars(-100)).addHbarTransfer(b, new Hbar(1, HbarUnit.Tinybar).negated().negated().multipliedBy ? x : Hbar.fromTinybars(100))`,
        `${HEAD}new TransferTransaction().addHbarTransfer(a, amount.negated()).addHbarTransfer(b, amount)`,
        `${HEAD}const amt = 3\nnew TransferTransaction().addHbarTransfer(a, -amt).addHbarTransfer(b, amt)`,
        'class TransferTransaction { addHbarTransfer() { return this } }\nnew TransferTransaction().addHbarTransfer(a, 1).addHbarTransfer(b, 1)',
        `${HEAD}const tx = new TransferTransaction().addHbarTransfer(a, -1)\nfor (const r of rs) tx.addHbarTransfer(r, 1)`,
        `${HEAD}const tx = new TransferTransaction()\ntx.addHbarTransfer(a, new Hbar(-1))\ntx.addHbarTransfer(b, Hbar.from(100, HbarUnit.Millibar).negated().negated())\ntx.addHbarTransfer(c, new Hbar(0.9))`,
      ],
      [
        { code: `${HEAD}const tx = new TransferTransaction()\n  .addHbarTransfer(sender, new Hbar(10))\n  .addHbarTransfer(receiver, new Hbar(10))`, lines: [3], message: /add up to 20 ℏ/, output: null },
        { code: `${HEAD}new TransferTransaction().addHbarTransfer(a, new Hbar(-1)).addHbarTransfer(b, Hbar.fromTinybars(1))`, lines: [2], message: /-0.99999999 ℏ/, output: null },
        { code: `${HEAD}const tx = new TransferTransaction()\ntx.addHbarTransfer(a, -2)\ntx.addHbarTransfer(b, 1)`, lines: [3], output: null },
      ],
    )
  })
})
