import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadKnowledge } from '../knowledge/knowledge-base.js'
import { OFFLINE_NOTICE } from './offline-answer.js'
import { createOfflineClient } from './offline-client.js'
import { LlmAbortedError } from '../llm/client.js'

const kb = loadKnowledge(fileURLToPath(new URL('../../../knowledge', import.meta.url)))
const llm = createOfflineClient(kb)

describe('the offline client', () => {
  it('streams the notice first, then the answer in pieces, with zero usage and its sources', async () => {
    const pieces: string[] = []
    const result = await llm.stream([{ role: 'system', content: 'ignored' }, { role: 'user', content: 'mint more of my fungible token' }], { signal: new AbortController().signal, onDelta: (t) => pieces.push(t) })
    expect(pieces[0]).toBe(OFFLINE_NOTICE)
    expect(pieces.length).toBeGreaterThan(5)
    expect(pieces.join('')).toContain('TokenMintTransaction')
    expect(result).toMatchObject({ model: 'offline-knowledge-base', finishReason: 'stop', usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } })
    expect(result.sources!.length).toBeGreaterThan(0)
    expect(kb.checkApi(pieces.join('')).unknown).toEqual([])
  })

  it('reads the earlier user turns for a follow-up', async () => {
    const result = await llm.stream(
      [{ role: 'user', content: 'how do I submit a message to a consensus topic' }, { role: 'assistant', content: '...' }, { role: 'user', content: 'and if it is larger than the limit?' }],
      { signal: new AbortController().signal, onDelta: () => {} },
    )
    expect(result.sources!.map((s) => s.id).some((id) => id.startsWith('topic'))).toBe(true)
  })

  it('stops at a cancel between pieces', async () => {
    const controller = new AbortController()
    const pieces: string[] = []
    const streaming = llm.stream([{ role: 'user', content: 'create an nft collection' }], {
      signal: controller.signal,
      onDelta: (t) => {
        pieces.push(t)
        if (pieces.length === 2) controller.abort()
      },
    })
    await expect(streaming).rejects.toBeInstanceOf(LlmAbortedError)
    expect(pieces).toHaveLength(2)
  })
})
