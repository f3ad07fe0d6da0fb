import { describe, it } from 'vitest'
import { testRule } from '../../../test/support/rule-tester.js'
import { signBeforeFreeze } from './sign-before-freeze.js'

const HEAD = "import { Client, TransferTransaction, PrivateKey, Transaction } from '@hiero-ledger/sdk'\nconst client = Client.forTestnet()\nconst key = PrivateKey.generateED25519()\n"

describe('rule sign-before-freeze', () => {
  it('flags signing before freezing and inserts the freeze', () => {
    testRule(
      signBeforeFreeze,
      [
        `${HEAD}const tx = await new TransferTransaction().freezeWith(client).sign(key)`,
        `${HEAD}const tx = new TransferTransaction().freezeWith(client)\nconst signed = await tx.sign(key)`,
        `${HEAD}const tx = new TransferTransaction()\ntx.freezeWith(client)\nawait tx.sign(key)`,
        `${HEAD}const tx = Transaction.fromBytes(bytes)\nawait tx.sign(key)`,
        `${HEAD}const tx = new TransferTransaction()\nprepare(tx)\nawait tx.sign(key)`,
        `${HEAD}const tx = new TransferTransaction()\nasync function later() { await tx.sign(key) }`,
        `${HEAD}const tx = new TransferTransaction()\nawait tx.signWithOperator(client)`,
        "class TransferTransaction { sign() {} }\nconst t = new TransferTransaction()\nt.sign()", // the file's own class
      ],
      [
        { code: `${HEAD}const tx = new TransferTransaction()\nconst signed = await tx.sign(key)\nawait signed.execute(client)`, lines: [5], message: /before it is frozen/, output: 'tx.freezeWith(client)\nconst signed = await tx.sign(key)' },
        { code: `${HEAD}async function main() {\n  const tx = new TransferTransaction().addHbarTransfer('0.0.2', 1);\n  await tx.sign(key);\n}`, lines: [6], output: '  tx.freezeWith(client);\n  await tx.sign(key);' },
        { code: `${HEAD}const signed = await new TransferTransaction().setTransactionMemo('x').sign(key)`, lines: [4], output: "const signed = await new TransferTransaction().setTransactionMemo('x').freezeWith(client).sign(key)" },
        { code: "import { TransferTransaction, PrivateKey } from '@hiero-ledger/sdk'\nconst a = makeClient()\nconst b = makeClient()\nconst tx = new TransferTransaction()\nawait tx.sign(PrivateKey.generateED25519())", lines: [5], output: null },
      ],
    )
  })
})
