import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { KnowledgeLoadError, loadKnowledge } from './knowledge-base.js'

const committedIndex = fileURLToPath(new URL('../../../knowledge/api-index.json', import.meta.url))
const fixtureGuides = fileURLToPath(new URL('./fixtures/guides', import.meta.url))
const dirs: string[] = []

/** A knowledge folder with the committed index and the fixture guides, optionally broken. */
function knowledgeDir(options: { index?: string | false; guides?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'knowledge-'))
  dirs.push(dir)
  if (options.index === undefined) copyFileSync(committedIndex, join(dir, 'api-index.json'))
  else if (options.index !== false) writeFileSync(join(dir, 'api-index.json'), options.index)
  if (options.guides !== false) cpSync(fixtureGuides, join(dir, 'guides'), { recursive: true })
  return dir
}

afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })))

describe('loadKnowledge', () => {
  it('loads the index and the guides and reports what it built', () => {
    const kb = loadKnowledge(knowledgeDir())
    expect(kb.stats).toMatchObject({ sdkVersion: '2.87.0', guides: 2 })
    expect(kb.stats.passages).toBe(kb.stats.classes + 2 + 3) // intros + sections of the two fixture guides
    expect(kb.stats.buildMs).toBeGreaterThan(0)
  })

  it('names the missing or corrupt file and the command that rebuilds it', () => {
    const missing = knowledgeDir({ index: false })
    expect(() => loadKnowledge(missing)).toThrow(KnowledgeLoadError)
    expect(() => loadKnowledge(missing)).toThrow(`The API index ${join(missing, 'api-index.json')} is missing; run \`npm run knowledge:build\` to regenerate it`)
    const corrupt = knowledgeDir({ index: '{"version": 2' })
    expect(() => loadKnowledge(corrupt)).toThrow(`The API index ${join(corrupt, 'api-index.json')} is not valid JSON; run \`npm run knowledge:build\``)
    const noGuides = knowledgeDir({ guides: false })
    expect(() => loadKnowledge(noGuides)).toThrow(`The guides folder ${join(noGuides, 'guides')} is missing`)
    const badGuide = knowledgeDir()
    writeFileSync(join(badGuide, 'guides', 'broken.md'), 'no front matter\n')
    expect(() => loadKnowledge(badGuide)).toThrow(/^A guide cannot be loaded: .*broken\.md: the file does not start with front matter/)
    const emptyGuides = knowledgeDir({ guides: false })
    mkdirSync(join(emptyGuides, 'guides'))
    expect(() => loadKnowledge(emptyGuides)).toThrow('holds no guide')
  })
})

describe('retrieve', () => {
  const kb = loadKnowledge(knowledgeDir())

  it('finds the guide for a question that does not name the class', () => {
    expect(kb.retrieve('let a dapp spend my hbar')[0]?.sourceId).toBe('hbar-allowance')
    expect(kb.retrieve('post a message to hcs')[0]?.sourceId).toBe('topic-submit')
  })

  it('finds API entries by exact SDK name and Status wire name', () => {
    expect(kb.retrieve('TokenAssociateTransaction').map((p) => p.id)).toContain('api:TokenAssociateTransaction')
    expect(kb.retrieve('INSUFFICIENT_PAYER_BALANCE').map((p) => p.id)).toContain('api:Status')
  })

  it('uses the recent turns for a follow-up that says little by itself', () => {
    const followUp = kb.retrieve('and what if it is bigger than that?', ['how do I submit a message to a topic'])
    expect(followUp[0]?.sourceId).toBe('topic-submit')
  })

  it('returns at most two passages of one source, and nothing for a question of stop words', () => {
    const passages = kb.retrieve('topic message submit chunks consensus', [], 10)
    expect(passages.filter((p) => p.sourceId === 'topic-submit').length).toBeLessThanOrEqual(2)
    expect(kb.retrieve('how do i do it?')).toEqual([])
  })

  it('bounds a pasted question: thousands of words after the question change nothing, and it still answers', () => {
    const question = 'post a message to hcs'
    const padded = `${question} ${'the and of '.repeat(20_000)}`
    expect(kb.retrieve(padded).map((p) => p.id)).toEqual(kb.retrieve(question).map((p) => p.id))
    const log = `${question} ${Array.from({ length: 20_000 }, (_, n) => `frame${n}`).join(' ')}`
    expect(kb.retrieve(log)[0]?.sourceId).toBe('topic-submit')
  })
})

describe('retrieval caches', () => {
  const cached = loadKnowledge(knowledgeDir())
  const uncached = loadKnowledge(knowledgeDir(), { cacheSize: 0 })
  const questions: [string, string[]][] = [
    ['let a dapp spend my hbar', []],
    ['and what if it is bigger than that?', ['how do I submit a message to a topic']],
    ['TokenAssociateTransaction INSUFFICIENT_PAYER_BALANCE', ['let a dapp spend my hbar', 'post a message to hcs']],
    ['asociate a tokn', []],
  ]

  it('return the same frozen passages for the same question and turns, and what an uncached search finds', () => {
    for (const [question, turns] of questions) {
      const first = cached.retrieve(question, turns)
      expect(Object.isFrozen(first)).toBe(true)
      expect(cached.retrieve(question, [...turns])).toBe(first)
      expect(first.map((p) => p.id)).toEqual(uncached.retrieve(question, turns).map((p) => p.id))
    }
    // Other turns, another retrieval.
    expect(cached.retrieve('and what if it is bigger than that?', ['let a dapp spend my hbar'])).not.toBe(cached.retrieve('and what if it is bigger than that?', ['how do I submit a message to a topic']))
  })
})

describe('checkApi', () => {
  const kb = loadKnowledge(knowledgeDir())

  it('checks the names in code blocks of either fence, and finds nothing to check in prose', () => {
    const code = 'const tx = new TokenCreateTransaction().setTokenNam("x")'
    for (const fence of ['```', '~~~']) {
      const result = kb.checkApi(`Create it like this:\n\n${fence}ts\n${code}\n${fence}\n`)
      expect(result.checked).toBeGreaterThan(0)
      expect(result.unknown).toEqual(['TokenCreateTransaction.setTokenNam'])
    }
    // The same code as prose (inline code is not checked): no fence, nothing checked.
    expect(kb.checkApi(`Call \`${code}\` and then execute it.`)).toEqual({ checked: 0, unknown: [] })
  })
})
