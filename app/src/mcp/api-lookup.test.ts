import { describe, expect, it } from 'vitest'
import { testKnowledge } from '../../test/support/server.js'
import { createApiLookup, DEFAULT_METHODS_PAGE } from './api-lookup.js'

const lookup = createApiLookup(testKnowledge().index)

describe('createApiLookup', () => {
  it('pages a class\'s members, own before inherited, until nextOffset runs out', () => {
    const first = lookup('TransferTransaction')
    expect(first.found).toBe(true)
    expect(first.members).toHaveLength(DEFAULT_METHODS_PAGE)
    expect(first.members[0]!.declaredOn).toBe('TransferTransaction')
    const names: string[] = []
    let offset: number | undefined = 0
    for (let pages = 0; offset !== undefined && pages < 20; pages++) {
      const page = lookup('TransferTransaction', { offset, limit: 25 })
      names.push(...page.members.map((m) => `${m.declaredOn}.${m.name}`))
      offset = page.nextOffset
    }
    expect(names).toHaveLength(first.totalMembers)
    expect(new Set(names).size).toBe(names.length)
    expect(names).toContain('Transaction.freezeWith')
  })

  it('finds an inherited method through Class.member and names where it is declared', () => {
    const result = lookup('TransferTransaction.freezeWith')
    expect(result).toMatchObject({ found: true, kind: 'member', uri: 'hedera-api://TransferTransaction' })
    expect(result.members[0]!.declaredOn).toBe('Transaction')
  })

  it('resolves a deprecation to its replacement only when the replacement exists', () => {
    expect(lookup('AccountCreateTransaction.setKey').members[0]!.replacement).toBe('AccountCreateTransaction.setKeyWithoutAlias')
    expect(lookup('AccountUpdateTransaction.setAliasKey').members[0]).toMatchObject({ deprecated: 'no longer supported' })
    expect(lookup('AccountUpdateTransaction.setAliasKey').members[0]!.replacement).toBeUndefined()
  })

  it('suggests near names for an unknown class or member, and accepts a trailing ()', () => {
    expect(lookup('PrivateKey.fromStringEcdsa').suggestions).toContain('PrivateKey.fromStringECDSA')
    expect(lookup('Clinet').suggestions).toContain('Client')
    expect(lookup('Client.forTestnet()').found).toBe(true)
  })
})
