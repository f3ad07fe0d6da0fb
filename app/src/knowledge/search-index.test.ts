import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parseApiIndex } from './api-index.js'
import { readGuides } from './guide-file.js'
import { apiPassages, guidePassages } from './passages.js'
import { buildSearchIndex, MAX_QUERY_WORDS } from './search-index.js'
import { boundedQuery } from './terms.js'

const dir = fileURLToPath(new URL('../../../knowledge/', import.meta.url))
const passages = [...readGuides(`${dir}guides`).flatMap(guidePassages), ...apiPassages(parseApiIndex(readFileSync(`${dir}api-index.json`, 'utf8')))]
const questions = (JSON.parse(readFileSync(`${dir}eval/questions.json`, 'utf8')) as { question: string }[]).map((q) => q.question)

describe('buildSearchIndex', () => {
  const index = buildSearchIndex(passages)

  it('ranks word by word, from cached words, exactly as one MiniSearch query of all the words', () => {
    const extra = ['TokenAssociateTransaction INSUFFICIENT_PAYER_BALANCE', 'asociate a tokn to my acount', 'Token token TOKEN transfer']
    for (const question of [...questions, ...extra]) {
      const ours = index.search(question, 40)
      const whole = index.searchWhole(question, 40)
      expect(ours.map((h) => h.passage.id), question).toEqual(whole.map((h) => h.passage.id))
      ours.forEach((hit, n) => expect(hit.score).toBeCloseTo(whole[n]!.score, 9))
    }
  })

  it('returns the same frozen hits for a repeated query, and a shorter list of them for a smaller limit', () => {
    const first = index.search('mint more of my token', 40)
    expect(Object.isFrozen(first)).toBe(true)
    expect(index.search('mint more of my token', 40)).toBe(first)
    expect(index.search('mint more of my token', 3)).toEqual(first.slice(0, 3))
  })
})

describe('boundedQuery', () => {
  it('keeps the first distinct searchable words, case ignored, up to the bound', () => {
    expect(boundedQuery('How do I mint a Token, then mint the token again?', 10)).toBe('mint Token again')
    const words = Array.from({ length: 1000 }, (_, n) => `w${n}`).join(' ')
    expect(boundedQuery(words, MAX_QUERY_WORDS).split(' ')).toHaveLength(MAX_QUERY_WORDS)
  })
})
