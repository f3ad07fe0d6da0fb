import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Status } from '@hiero-ledger/sdk'
import { describe, expect, it } from 'vitest'
import { analyzeOutput, explain, statusByValue } from './analyze.js'
import { renderStatusModule, statusEntries } from './status-source.js'
import { SDK_VERSION, STATUSES } from './statuses.generated.js'

const CODE = [
  "import { Client, PrivateKey, TransferTransaction, AccountInfoQuery, Hbar } from '@hiero-ledger/sdk'", // 1
  'const client = Client.forTestnet()', // 2
  'client.setOperator(process.env.OPERATOR_ID, PrivateKey.fromStringECDSA(process.env.OPERATOR_KEY))', // 3
  'const tx = await new TransferTransaction()', // 4
  "  .addHbarTransfer('0.0.1001', new Hbar(-1))", // 5
  "  .addHbarTransfer('0.0.1002', new Hbar(1))", // 6
  '  .execute(client)', // 7
  'const receipt = await tx.getReceipt(client)', // 8
  "const info = await new AccountInfoQuery().setAccountId('0.0.1002').execute(client)", // 9
].join('\n')

describe('the generated status table', () => {
  it('is every Status of the installed SDK (regenerate with npm run code:statuses)', () => {
    const require = createRequire(import.meta.url)
    const version = (JSON.parse(readFileSync(require.resolve('@hiero-ledger/sdk/package.json'), 'utf8')) as { version: string }).version
    expect(renderStatusModule([...STATUSES], SDK_VERSION)).toBe(renderStatusModule(statusEntries(Status), version))
    expect(STATUSES.length).toBeGreaterThan(300)
  })

  it('explains every status: hand-written for the common ones, from its name for the rest', () => {
    for (const entry of STATUSES) {
      const e = explain(entry)
      expect(e.meaning.length, entry.value).toBeGreaterThan(10)
      expect(e.remedy.length, entry.value).toBeGreaterThan(10)
    }
    expect(explain(statusByValue('INVALID_SIGNATURE')!).rules).toContain('private-key-shape')
  })
})

describe('analyzeOutput', () => {
  it('reads a receipt error: the status, the error, and the getReceipt line', () => {
    const output = 'Error: ReceiptStatusError: receipt for transaction 0.0.1001@1733400000.123456789 contained error status INVALID_ACCOUNT_AMOUNTS\n    at ...'
    const [finding, ...rest] = analyzeOutput(CODE, output)
    expect(rest).toEqual([])
    expect(finding!.error?.name).toBe('ReceiptStatusError')
    expect(finding!.status).toMatchObject({ value: 'INVALID_ACCOUNT_AMOUNTS', name: 'InvalidAccountAmounts' })
    expect(finding!.line).toBe(4) // the TransferTransaction the status comes from
    expect(finding!.rules).toEqual(['hbar-transfer-sum'])
  })

  it('reads a precheck error on a status with no class hint: the only execute is not unique, so it says so', () => {
    const output = 'PrecheckStatusError: transaction 0.0.1001@1733400000.1 failed precheck with status INVALID_SIGNATURE against node account id 0.0.3'
    const [finding] = analyzeOutput(CODE, output)
    expect(finding!.error?.name).toBe('PrecheckStatusError')
    expect(finding!.status?.value).toBe('INVALID_SIGNATURE')
    expect(finding!.line).toBeUndefined()
    expect(finding!.lineReason).toMatch(/lines 7, 9/)
  })

  it('finds the query the output names', () => {
    const output = 'MaxQueryPaymentExceededError: query cost of 0.05 HBAR exceeds max set on client: 0.01 HBAR (AccountInfoQuery)'
    const [finding] = analyzeOutput(CODE, output)
    expect(finding).toMatchObject({ error: { name: 'MaxQueryPaymentExceededError' }, line: 9 })
  })

  it('recognises every status the SDK defines by its printed name', () => {
    for (const entry of STATUSES.filter((s) => s.value !== 'OK' && s.value !== 'SUCCESS')) {
      const [finding] = analyzeOutput('', `status ${entry.value}`)
      expect(finding?.status?.value, entry.value).toBe(entry.value)
    }
  })

  it('says nothing about a successful run or unrelated capitals', () => {
    expect(analyzeOutput(CODE, 'The transaction consensus status is SUCCESS\nNODE_ENV=production HELLO_WORLD')).toEqual([])
  })

  it('recognises an error without a status (sign before freeze) and points at the rule', () => {
    const [finding] = analyzeOutput("const tx = new TransferTransaction()\nawait tx.sign(key)", 'Error: transaction must have been frozen before calculating the hash will be stable, try calling `freeze`')
    expect(finding).toMatchObject({ error: { name: 'NotFrozen' }, rules: ['sign-before-freeze'], line: 2 })
  })

  it('reads only the end of a huge output', () => {
    const output = `${'x'.repeat(500_000)}\nReceiptStatusError: receipt for transaction 0.0.1@1.2 contained error status TOKEN_NOT_ASSOCIATED_TO_ACCOUNT`
    expect(analyzeOutput(CODE, output)[0]?.status?.value).toBe('TOKEN_NOT_ASSOCIATED_TO_ACCOUNT')
  })
})
