import { describe, expect, it } from 'vitest'
import { boundedQuery, processQueryTerm, processTerm, stem, tokenize } from './terms.js'

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

  it('bounds a query to its first distinct words, as the regex reading of words does', () => {
    // The reference: words are runs of [A-Za-z0-9_]; one-letter, stop and repeated words (any case) are skipped.
    const reference = (text: string, max: number) => {
      const seen = new Set<string>()
      const words: string[] = []
      for (const [word] of text.matchAll(/[A-Za-z0-9_]+/g)) {
        const key = word.toLowerCase()
        if (processTerm(word) === null || seen.has(key)) continue
        seen.add(key)
        words.push(word)
        if (words.length >= max) break
      }
      return words.join(' ')
    }
    expect(boundedQuery('How to associate THE token, Token and TOKEN_ID? x 0.0.1234 é_b', 24)).toBe('associate token TOKEN_ID 1234 _b')
    const alphabet = 'abAB09_ .,é\n-🙂tokenhow'
    let seed = 7
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (let n = 0; n < 500; n++) {
      const text = Array.from({ length: Math.floor(random() * 80) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('')
      const max = 1 + Math.floor(random() * 6)
      expect(boundedQuery(text, max)).toBe(reference(text, max))
    }
  })
})
