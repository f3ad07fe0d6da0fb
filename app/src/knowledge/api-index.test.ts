import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { buildApiIndex, installedSdk } from '../../../scripts/knowledge/api-index-builder.js'
import { parseApiIndex, serializeApiIndex } from './api-index.js'

const committedText = readFileSync(new URL('../../../knowledge/api-index.json', import.meta.url), 'utf8')

describe('the committed API index', () => {
  it('was generated from the installed SDK version (run npm run knowledge:build after upgrading it)', () => {
    expect(parseApiIndex(committedText).version).toBe(installedSdk().version)
  })

  it('is exactly what npm run knowledge:build writes today', async () => {
    expect(serializeApiIndex(await buildApiIndex()) === committedText, 'knowledge/api-index.json is stale: run npm run knowledge:build and commit it').toBe(true)
  })

  it('holds the names answers need: builders, statics, inherited bases, Status with its wire names, deprecations', () => {
    const index = parseApiIndex(committedText)
    const cls = (name: string) => index.classes.find((c) => c.name === name)
    expect(cls('TokenCreateTransaction')?.extends).toBe('Transaction')
    expect(cls('TokenCreateTransaction')?.methods.map((m) => m.name)).toContain('setTokenName')
    expect(cls('PrivateKey')?.methods.filter((m) => m.static).map((m) => m.name)).toEqual(expect.arrayContaining(['fromStringECDSA', 'fromStringDer', 'fromStringED25519']))
    expect(cls('Executable')?.methods.map((m) => m.name)).toContain('execute')
    expect(cls('Client')?.methods.map((m) => m.name)).toContain('setOperator')
    const status = index.enums.find((e) => e.name === 'Status')
    expect(status?.members).toContainEqual({ name: 'TokenNotAssociatedToAccount', value: 'TOKEN_NOT_ASSOCIATED_TO_ACCOUNT' })
    expect(index.classes.some((c) => c.methods.some((m) => m.deprecated))).toBe(true)
    expect(index.classes.every((c) => c.methods.every((m) => !m.name.startsWith('_')))).toBe(true)
  })
})

describe('parseApiIndex', () => {
  it('says what is wrong with a broken file in one sentence', () => {
    expect(() => parseApiIndex('{"sdk":')).toThrow('is not valid JSON')
    expect(() => parseApiIndex('{"sdk":"x","version":"2.87.0","classes":[],"enums":[],"functions":[]}')).toThrow(/does not have the expected shape \(classes: /)
  })
})
