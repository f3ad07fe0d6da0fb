import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadKnowledge } from '../knowledge/knowledge-base.js'
import { buildGrounding, buildMessages, DEFAULT_SYSTEM_PROMPT, MAX_CONTEXT_CHARS } from './prompt.js'

const kb = loadKnowledge(fileURLToPath(new URL('../../../knowledge', import.meta.url)))

describe('buildGrounding', () => {
  it('numbers one source per guide or class, in rank order, and lists them as the sources', () => {
    const passages = kb.retrieve('associate a token before receiving it')
    const grounding = buildGrounding(passages)!
    expect(grounding.sources.length).toBeGreaterThan(1)
    grounding.sources.forEach((source, i) => expect(grounding.block).toContain(`[${i + 1}] ${source.kind === 'guide' ? 'guide' : 'SDK reference:'}`))
    expect(new Set(grounding.sources.map((s) => `${s.kind}:${s.id}`)).size).toBe(grounding.sources.length)
    expect(grounding.block).toMatch(/cite the sources you use as \[n\]/)
  })

  it('stays within its budget however many passages come, dropping the sources that do not fit', () => {
    const many = kb.retrieve('token account transfer key transaction', [], 40)
    const grounding = buildGrounding(many)!
    expect(grounding.block.length).toBeLessThanOrEqual(MAX_CONTEXT_CHARS)
    const tight = buildGrounding(many, 3000)!
    expect(tight.block.length).toBeLessThanOrEqual(3000)
    expect(tight.sources.length).toBeLessThan(grounding.sources.length)
  })

  it('is undefined when nothing was retrieved, and then the messages carry no context', () => {
    expect(buildGrounding([])).toBeUndefined()
    expect(buildMessages(DEFAULT_SYSTEM_PROMPT, [], 'q', undefined)).toEqual([
      { role: 'system', content: DEFAULT_SYSTEM_PROMPT },
      { role: 'user', content: 'q' },
    ])
  })

  it('is built once per retrieval: the same question and turns give the same block, the same text as built fresh', () => {
    const passages = kb.retrieve('freeze an account for my token', ['how do I create a token'])
    const first = buildGrounding(passages)!
    expect(buildGrounding(kb.retrieve('freeze an account for my token', ['how do I create a token']))).toBe(first)
    // A copy is not the cached retrieval: built again, to the same text.
    const fresh = buildGrounding([...passages])!
    expect(fresh).not.toBe(first)
    expect(fresh).toEqual(first)
  })

  it('goes between the system prompt and the history', () => {
    const grounding = buildGrounding(kb.retrieve('mint an nft'))!
    const messages = buildMessages('custom', [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }], 'mint an nft', grounding)
    expect(messages.map((m) => m.role)).toEqual(['system', 'system', 'user', 'assistant', 'user'])
    expect(messages[0]!.content).toBe('custom')
    expect(messages[1]!.content).toBe(grounding.block)
  })
})
