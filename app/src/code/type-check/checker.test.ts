import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { createTypeChecker } from './checker.js'

const root = resolve(fileURLToPath(new URL('../../../..', import.meta.url)))
// Generous on a shared two-core machine; the bound itself is tested below with a small one.
const checker = createTypeChecker({ root, timeoutMs: 20_000, startTimeoutMs: 120_000 })

afterAll(() => checker.close())

const SDK_FILE = `import { Client, AccountCreateTransaction, PrivateKey, Hbar } from '@hiero-ledger/sdk'
const client = Client.forTestnet().setOperator(process.env.OPERATOR_ID!, process.env.OPERATOR_KEY!)
const key = PrivateKey.generateECDSA()
const response = await new AccountCreateTransaction().setKeyWithoutAlias(key.publicKey).setInitialBalance(new Hbar(5)).execute(client)
const receipt = await response.getReceipt(client)
console.log(receipt.accountId.toString())
`

describe('type checker (worker thread)', () => {
  it('starts warm in a worker and reports nothing on correct SDK code', async () => {
    const warmed = await checker.warm()
    expect(warmed).toMatchObject({ ms: expect.any(Number) as number })
    const result = await checker.check(SDK_FILE, false)
    expect(result).toMatchObject({ diagnostics: [] })
  }, 180_000)

  it('reports a wrong member and a wrong argument type on the user file lines', async () => {
    const code = `import { TransferTransaction, Hbar } from '@hiero-ledger/sdk'\nconst tx = new TransferTransaction()\ntx.addHbarTransfers('0.0.2', new Hbar(1))\ntx.setTransactionMemo(42)\n`
    const result = await checker.check(code, false)
    if (!('diagnostics' in result)) throw new Error(result.skipped)
    expect(result.diagnostics.map((d) => [d.line, d.code, d.severity, d.source])).toEqual([
      [3, 2551, 'error', 'typescript'],
      [4, 2345, 'error', 'typescript'],
    ])
    expect(result.diagnostics[0]).toMatchObject({ column: 4, endLine: 3, endColumn: 20, message: expect.stringMatching(/Did you mean 'addHbarTransfer'/) as string })
  }, 60_000)

  it('checks JavaScript with require, and the old package name resolves to the new declarations', async () => {
    const code = `const { Client } = require('@hashgraph/sdk')\nconst client = Client.forTestnet()\nclient.setOperatorr('0.0.2', 'x')\n`
    const result = await checker.check(code, true)
    if (!('diagnostics' in result)) throw new Error(result.skipped)
    expect(result.diagnostics.map((d) => [d.line, d.code])).toEqual([[3, 2551]])
  }, 60_000)

  it('does not flag modules it has no declarations for, nor read files outside node_modules', async () => {
    const code = `import 'dotenv/config'\nimport { helper } from './helper.js'\nimport secrets from '/etc/passwd'\nhelper()\n`
    const result = await checker.check(code, false)
    expect(result).toMatchObject({ diagnostics: [] })
    // A declaration file outside node_modules: were it read, \`secret\` would be a number and line 2 an error.
    const dir = mkdtempSync(join(tmpdir(), 'outside-'))
    writeFileSync(join(dir, 'secret.d.ts'), 'export declare const secret: number\n')
    const outside = await checker.check(`import { secret } from '${join(dir, 'secret')}'\nconst s: string = secret\n`, false)
    rmSync(dir, { recursive: true, force: true })
    expect(outside).toMatchObject({ diagnostics: [] })
  }, 60_000)

  it('skips a check over its time bound, restarts the worker, and the next check works', async () => {
    const big = Array.from({ length: 3000 }, (_, i) => `const v${i}: number = ${i} + Number('${i}')`).join('\n')
    const slow = await checker.check(big, false, { timeoutMs: 1 })
    expect(slow).toEqual({ skipped: expect.stringMatching(/took longer than 1 ms/) as string })
    const next = await checker.check(`const n: number = 'x'\n`, false)
    if (!('diagnostics' in next)) throw new Error(next.skipped)
    expect(next.diagnostics.map((d) => [d.line, d.code])).toEqual([[1, 2322]])
  }, 180_000)

  it('deep generics end within the bound: diagnostics or a skip, never a hang', async () => {
    const deep = `type Digit = '0'|'1'|'2'|'3'|'4'|'5'|'6'|'7'|'8'|'9'\ntype D4 = \`\${Digit}\${Digit}\${Digit}\${Digit}\`\ntype D5 = \`\${D4}\${Digit}\`\ntype Rep<T, N extends unknown[] = []> = N['length'] extends 200 ? T : Rep<[T, T], [...N, 0]>\nconst x: Rep<D4> = null as any\nconst y: D5 = '1'\n`
    const result = await checker.check(deep, false, { timeoutMs: 5_000 })
    if ('diagnostics' in result) expect(result.diagnostics.length).toBeGreaterThan(0)
    else expect(result.skipped).toMatch(/longer than|stopped/)
  }, 180_000)

  it('answers checks in order when several arrive at once', async () => {
    const results = await Promise.all([`const a: string = 1\n`, `const b: number = 2\n`, `const c: boolean = 'x'\n`].map((code) => checker.check(code, false)))
    expect(results.map((r) => ('diagnostics' in r ? r.diagnostics.length : -1))).toEqual([1, 0, 1])
  }, 60_000)
})
