import { describe, expect, it } from 'vitest'
import { answerNotes } from './answer-notes.js'

const usage = { promptTokens: 1, completionTokens: 1, totalTokens: 2 }

describe('answerNotes', () => {
  it('numbers the sources as the answer cites them and warns per unknown SDK name', () => {
    const notes = answerNotes({
      model: 'gpt-4o',
      finishReason: 'stop',
      usage,
      sources: [
        { id: 'guide:topics#create', title: 'Create a topic', kind: 'guide' },
        { id: 'api:TopicCreateTransaction', title: 'TopicCreateTransaction', kind: 'api' },
      ],
      apiCheck: { checked: 3, unknown: ['PrivateKey.fromStringEcdsa'] },
    })
    expect(notes.sources).toEqual([
      { n: 1, title: 'Create a topic', kind: 'guide' },
      { n: 2, title: 'TopicCreateTransaction', kind: 'api' },
    ])
    expect(notes.warnings).toEqual(['PrivateKey.fromStringEcdsa does not exist in the Hedera SDK; check the API reference before using this code.'])
    expect(notes.ending).toBeUndefined()
  })

  it('says when an answer was stopped or cut, and shows nothing for an ungrounded answer', () => {
    expect(answerNotes({ model: 'm', finishReason: 'cancelled', usage })).toEqual({ sources: [], warnings: [], ending: 'Stopped.' })
    expect(answerNotes({ model: 'm', finishReason: 'length', usage }).ending).toMatch(/token limit/)
  })
})
