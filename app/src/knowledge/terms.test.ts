import { describe, expect, it } from 'vitest'
import { processQueryTerm, processTerm, stem, tokenize } from './terms.js'

describe('terms', () => {
  it('splits identifiers and status codes into their words, keeping the whole', () => {
    expect(tokenize('new TokenAssociateTransaction()')).toEqual(['new', 'TokenAssociateTransaction', 'Token', 'Associate', 'Transaction'])
    expect(tokenize('TOKEN_NOT_ASSOCIATED')).toEqual(['TOKEN_NOT_ASSOCIATED', 'TOKEN', 'NOT', 'ASSOCIATED'])
    expect(tokenize('fromStringECDSA')).toEqual(['fromStringECDSA', 'from', 'String', 'ECDSA'])
  })

  it('brings word forms together and leaves short words and numbers alone', () => {
    for (const [a, b] of [['associating', 'associate'], ['associated', 'associates'], ['fees', 'fee'], ['addresses', 'address'], ['keys', 'key']]) expect(stem(a!)).toBe(stem(b!))
    expect(stem('status')).toBe('status')
    expect(stem('ed25519')).toBe('ed25519')
  })

  it('drops stop words and expands question words with the words the guides use', () => {
    expect(processTerm('the')).toBeNull()
    expect(processQueryTerm('how')).toBeNull()
    expect(processQueryTerm('spend')).toEqual(expect.arrayContaining([stem('allowance')]))
    // Object.prototype names are words, not synonym entries.
    expect(processQueryTerm('constructor')).toEqual([stem('constructor')])
  })
})
