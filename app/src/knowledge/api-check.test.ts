import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { checkApi, codeBlocks } from './api-check.js'
import { parseApiIndex } from './api-index.js'
import { createApiNames } from './api-names.js'

const names = createApiNames(parseApiIndex(readFileSync(new URL('../../../knowledge/api-index.json', import.meta.url), 'utf8')))
const ts = (code: string) => '```ts\n' + code + '\n```'

describe('checkApi', () => {
  it('finds names that do not exist in the SDK: a misspelt static, builder, class and enum member', () => {
    const answer = ts(`import { PrivateKey, TokenCreateTransaction, Client, Status } from '@hiero-ledger/sdk'
const key = PrivateKey.fromStringEcdsa(process.env.KEY!)
const client = Client.forTestnet()
client.setOperatorr('0.0.2', key)
await new TokenCreateTransaction().setTokenName('Gold').setTokenSymbl('GLD').execute(client)
if (status === Status.TokenNotAssociated) throw new Error()
new TokenMagicTransaction()`)
    const result = checkApi(answer, names)
    expect(result.unknown).toEqual(['TokenCreateTransaction.setTokenSymbl', 'TokenMagicTransaction', 'PrivateKey.fromStringEcdsa', 'Status.TokenNotAssociated', 'Client.setOperatorr'])
    expect(result.checked).toBeGreaterThan(result.unknown.length)
  })

  it('accepts real names, inherited ones included (execute, freezeWith, sign), and counts each name once', () => {
    const answer = ts(`import { AccountId, Client, Hbar, PrivateKey, TransferTransaction, Status } from '@hiero-ledger/sdk'
const client = Client.forTestnet().setOperator(AccountId.fromString('0.0.2'), PrivateKey.fromStringECDSA('ab'))
const tx = new TransferTransaction().addHbarTransfer('0.0.2', Hbar.fromTinybars(-10)).addHbarTransfer('0.0.3', new Hbar(1)).freezeWith(client)
const signed = await tx.sign(PrivateKey.generateECDSA())
const receipt = await (await signed.execute(client)).getReceipt(client)
console.log(receipt.status === Status.Success)`)
    const result = checkApi(answer, names)
    expect(result.unknown).toEqual([])
    expect(result.checked).toBeGreaterThanOrEqual(10)
  })

  it('leaves non-SDK code alone: builtins, DOM, Express, other libraries, comments and strings', () => {
    const answer = ts(`import express from 'express'
const m = new Map(); m.set('a', 1); new Date().setHours(1); res.setHeader('x', 'y')
const u = new URL('https://x'); JSON.stringify(Foo.bar()); el.addEventListener('click', f)
// new TokenMagicTransaction() in a comment
const s = "PrivateKey.fromStringEcdsa(x)"`)
    expect(checkApi(answer, names)).toEqual({ checked: 0, unknown: [] })
  })

  it('reads only code blocks in JavaScript or TypeScript, not prose or shell', () => {
    const answer = 'Call PrivateKey.fromStringEcdsa( in prose.\n```bash\nnew TokenMagicTransaction()\n```\n```js\nnew TokenCreateTransaction()\n```'
    expect(checkApi(answer, names)).toEqual({ checked: 1, unknown: [] })
  })

  it('flags a builder-shaped method nobody has only where the code imports the SDK', () => {
    expect(checkApi(ts(`import { Client } from '@hiero-ledger/sdk'\nthing.setTokenFlavour(1)`), names).unknown).toEqual(['.setTokenFlavour'])
    expect(checkApi(ts(`thing.setTokenFlavour(1)`), names).unknown).toEqual([])
  })

  it('checks the code of an answer cut off before its closing fence', () => {
    expect(codeBlocks('text\n```ts\nnew TokenCreateTransaction()\n')).toHaveLength(1)
  })
})
