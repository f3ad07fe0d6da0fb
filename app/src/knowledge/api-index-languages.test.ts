/**
 * The committed Java and Rust API indexes describe the pinned SDKs (scripts/sdk-java/pom.xml, scripts/sdk-rust/Cargo.toml).
 * scripts/check-guides-java-rust.sh also rebuilds them from the SDK sources and compares them byte for byte.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { PINNED } from '../../../scripts/knowledge/pinned-sdks.js'
import { parseApiIndex, serializeApiIndex } from './api-index.js'

const root = fileURLToPath(new URL('../../..', import.meta.url))
const read = (language: string) => readFileSync(join(root, 'knowledge', `api-index.${language}.json`), 'utf8')

describe('the Java and Rust API indexes', () => {
  for (const language of ['java', 'rust'] as const) {
    it(`${language}: built from the pinned SDK version, with a source digest, in the committed layout`, () => {
      const text = read(language)
      const index = parseApiIndex(text)
      expect({ sdk: index.sdk, version: index.version }).toEqual(PINNED[language])
      expect(index.sourceDigest).toMatch(/^[0-9a-f]{16}$/)
      expect(serializeApiIndex(index)).toBe(text)
    })
  }

  it('hold the classes and methods users call, with signatures and summaries', () => {
    const java = parseApiIndex(read('java'))
    const create = java.classes.find((c) => c.name === 'AccountCreateTransaction')!
    expect(create.extends).toBe('Transaction')
    expect(create.methods.find((m) => m.name === 'setInitialBalance')).toMatchObject({ signature: '(Hbar initialBalance): AccountCreateTransaction' })
    expect(java.classes.find((c) => c.name === 'Transaction')!.methods.find((m) => m.name === 'freezeWith')?.signature).toBe('(Client client): this')
    expect(java.enums.find((e) => e.name === 'Status')!.members).toContainEqual({ name: 'TOKEN_NOT_ASSOCIATED_TO_ACCOUNT', value: 'TOKEN_NOT_ASSOCIATED_TO_ACCOUNT' })
    const rust = parseApiIndex(read('rust'))
    const rustCreate = rust.classes.find((c) => c.name === 'AccountCreateTransaction')!
    expect(rustCreate).toMatchObject({ extends: 'Transaction', summary: expect.stringContaining('account') as string })
    expect(rustCreate.methods.find((m) => m.name === 'initial_balance')?.signature).toBe('(&mut self, balance: Hbar): this')
    expect(rust.classes.find((c) => c.name === 'Query')!.methods.find((m) => m.name === 'execute')?.signature).toMatch(/^async \(&mut self, client: &Client\): crate::Result/)
    expect(rust.enums.find((e) => e.name === 'Status')!.members).toContainEqual({ name: 'TokenNotAssociatedToAccount', value: 'TOKEN_NOT_ASSOCIATED_TO_ACCOUNT' })
  })
})
