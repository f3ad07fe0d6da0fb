import { describe, it } from 'vitest'
import { testRule } from '../../../test/support/rule-tester.js'
import { unawaitedCall } from './unawaited-call.js'

const IMPORT = "import { Client, TransferTransaction, AccountBalanceQuery } from '@hiero-ledger/sdk'\nconst client = Client.forTestnet()\n"

describe('rule unawaited-call', () => {
  it('flags dropped or misused promises and adds await', () => {
    testRule(
      unawaitedCall,
      [
        `${IMPORT}const r = await new TransferTransaction().execute(client)\nconst receipt = await r.getReceipt(client)`,
        `${IMPORT}async function send(tx) { return tx.execute(client) }`,
        `${IMPORT}const p = new TransferTransaction().execute(client)\nawait p`,
        `${IMPORT}new TransferTransaction().execute(client).then((r) => console.log(r))`,
        `${IMPORT}void new TransferTransaction().execute(client)`,
        `${IMPORT}await Promise.all([new TransferTransaction().execute(client)])`,
        // Not the SDK: a database's execute.
        "import { Pool } from 'pg'\nconst db = new Pool()\ndb.execute('select 1')",
        `${IMPORT}const receipt = (await new TransferTransaction().execute(client)).getReceipt(client)\nawait receipt`,
        `${IMPORT}const balance = await new AccountBalanceQuery().setAccountId('0.0.2').execute(client)`,
      ],
      [
        { code: `${IMPORT}new TransferTransaction().execute(client)`, lines: [3], message: /nothing awaits/, output: 'await new TransferTransaction().execute(client)' },
        { code: `${IMPORT}const response = await new TransferTransaction().execute(client)\nconst receipt = response.getReceipt(client)\nconsole.log(receipt.status.toString())`, lines: [4], message: /reading its fields/, output: 'const receipt = await response.getReceipt(client)' },
        { code: `${IMPORT}const receipt = await new TransferTransaction().execute(client).getReceipt(client)`, lines: [3], message: /calling on it/, output: 'const receipt = await (await new TransferTransaction().execute(client)).getReceipt(client)' },
        { code: `${IMPORT}function send(tx) {\n  tx.execute(client)\n}`, lines: [4], message: /not async/, output: null },
        { code: `${IMPORT}const balance = new AccountBalanceQuery().setAccountId('0.0.2').execute(client)\nconsole.log(balance.hbars.toString())`, lines: [3], output: "const balance = await new AccountBalanceQuery().setAccountId('0.0.2').execute(client)" },
        { code: "const sdk = require('@hiero-ledger/sdk')\nconst client = sdk.Client.forTestnet()\nasync function main(tx) {\n  const record = tx.getRecord(client)\n  console.log(record.transactionFee)\n}", lines: [4], output: '  const record = await tx.getRecord(client)', js: true },
      ],
    )
  })
})
