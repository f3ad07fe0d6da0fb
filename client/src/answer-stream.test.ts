import { describe, expect, it } from 'vitest'
import { applyFrame, newAnswerState } from './answer-stream.js'

const ids = { messageId: 'm1', conversationId: 'c1' }
const delta = (seq: number, content: string) => ({ type: 'chat_delta' as const, ...ids, seq, content })

describe('applyFrame', () => {
  it('yields start once, deltas in order, and complete with the whole text', () => {
    const state = newAnswerState('m1')
    const events = [
      { type: 'chat_start' as const, ...ids, metadata: { model: 'gpt-4o' } },
      delta(0, 'Hello'),
      { type: 'chat_start' as const, ...ids, metadata: { model: 'gpt-4o' } },
      delta(1, ' world'),
      { type: 'chat_complete' as const, ...ids, metadata: { model: 'gpt-4o', finishReason: 'stop', usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 } } },
    ].flatMap((f) => applyFrame(state, f).events)
    expect(events.map((e) => e.type)).toEqual(['start', 'delta', 'delta', 'complete'])
    expect(events.at(-1)).toMatchObject({ type: 'complete', text: 'Hello world', conversationId: 'c1' })
  })

  it('drops replayed deltas, so a resume that overlaps repeats no word', () => {
    const state = newAnswerState('m1')
    applyFrame(state, delta(0, 'a'))
    applyFrame(state, delta(1, 'b'))
    expect(applyFrame(state, delta(0, 'a')).events).toEqual([])
    expect(applyFrame(state, delta(1, 'b')).events).toEqual([])
    expect(applyFrame(state, delta(2, 'c')).events).toEqual([{ type: 'delta', seq: 2, content: 'c' }])
    expect(state.text).toBe('abc')
  })

  it('asks to resume from the last seen seq on a gap instead of skipping words', () => {
    const state = newAnswerState('m1')
    applyFrame(state, delta(0, 'a'))
    expect(applyFrame(state, delta(3, 'd'))).toEqual({ events: [], resumeFrom: 0 })
    expect(state.text).toBe('a')
  })

  it('ends on an error and ignores anything after it', () => {
    const state = newAnswerState('m1')
    expect(applyFrame(state, { type: 'error', ...ids, code: 'upstream_error', error: 'The model provider failed' }).events).toEqual([
      { type: 'error', code: 'upstream_error', error: 'The model provider failed' },
    ])
    expect(applyFrame(state, delta(0, 'late')).events).toEqual([])
  })
})
