import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parseApiIndex } from './api-index.js'
import { readGuides } from './guide-file.js'
import { apiPassages, guidePassages } from './passages.js'
import { buildSearchIndex, CACHED_HITS, MAX_QUERY_WORDS, topIndices } from './search-index.js'
import { boundedQuery } from './terms.js'

const dir = fileURLToPath(new URL('../../../knowledge/', import.meta.url))
const passages = [...readGuides(`${dir}guides`).flatMap((g) => guidePassages(g)), ...apiPassages(parseApiIndex(readFileSync(`${dir}api-index.json`, 'utf8')))]
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

  it('forgives a misspelt word, not an id with digits in it', () => {
    expect(index.search('acounts', 5).length).toBeGreaterThan(0)
    // One edit from "accounts", but a word with a digit is taken as an id and matched exactly.
    expect(index.search('acc0unts', 5)).toEqual([])
  })

  it('keeps a repeated query\'s ranking (the same object), and search lists its hits, fewer for a smaller limit', () => {
    const first = index.ranked('mint more of my token')
    expect(first.docs.length).toBe(CACHED_HITS)
    expect(index.ranked('mint more of my token')).toBe(first)
    const hits = index.search('mint more of my token', 40)
    expect(hits.map((h) => [h.doc, h.score, h.passage])).toEqual([...first.docs].map((doc, k) => [doc, first.scores[k], passages[doc]]))
    expect(index.search('mint more of my token', 3)).toEqual(hits.slice(0, 3))
    // A longer listing is ranked apart and leaves the cached ranking (what retrieval merges) as it was.
    expect(index.search('mint more of my token', 60).slice(0, 40)).toEqual(hits)
    expect(index.ranked('mint more of my token')).toBe(first)
    expect(index.search('stake hbar to a node', 60).length).toBeGreaterThan(CACHED_HITS)
    expect(index.ranked('stake hbar to a node').docs.length).toBe(CACHED_HITS)
  })

  it("keeps a question's hits while 500 other conversations ask theirs, so its follow-up does not search it again", () => {
    const asked = index.ranked('transfer hbar between two accounts')
    // Each conversation's question, and its previous turn looked up again as the follow-up's recent turn.
    for (let n = 0; n < 500; n++) {
      index.ranked(`${questions[n % questions.length]!} conversation${n}`)
      if (n > 0) index.ranked(`${questions[(n - 1) % questions.length]!} conversation${n - 1}`)
    }
    expect(index.ranked('transfer hbar between two accounts')).toBe(asked)
  })
})

describe('boundedQuery', () => {
  it('keeps the first distinct searchable words, case ignored, up to the bound', () => {
    expect(boundedQuery('How do I mint a Token, then mint the token again?', 10)).toBe('mint Token again')
    const words = Array.from({ length: 1000 }, (_, n) => `w${n}`).join(' ')
    expect(boundedQuery(words, MAX_QUERY_WORDS).split(' ')).toHaveLength(MAX_QUERY_WORDS)
  })
})

describe('topIndices', () => {
  it('keeps what a stable sort by score (largest first) keeps, in its order, ties included', () => {
    let seed = 11
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (let run = 0; run < 400; run++) {
      const n = Math.floor(random() * 120)
      // Few distinct values: many ties, at the cut too.
      const values = Float64Array.from({ length: n }, () => Math.floor(random() * (run % 2 ? 5 : 1000)) / 7)
      const keep = Math.floor(random() * 50)
      const stable = [...values.keys()].sort((a, b) => values[b]! - values[a]!).slice(0, keep)
      expect(topIndices(values, n, keep)).toEqual(stable)
    }
  })
})
