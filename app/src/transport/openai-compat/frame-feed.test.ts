import { describe, expect, it } from 'vitest'
import { Answer } from '../../chat/answer.js'
import { createLocalCoordinator } from '../../chat/coordinator.js'
import { frames } from '../../protocol/frames.js'
import { followAnswer } from './frame-feed.js'

const ids = { messageId: 'm1', conversationId: 'c1' }
const usage = { promptTokens: 1, completionTokens: 1, totalTokens: 2 }

function newAnswer(): Answer {
  // Resume grace 60 s: losing its last subscriber must not cancel the answer within a test.
  return new Answer(ids, undefined, 1000, 60_000, createLocalCoordinator())
}

describe('followAnswer', () => {
  it('replays the frames so far, then live ones, then ends after the terminal frame', async () => {
    const answer = newAnswer()
    answer.emit(frames.start(ids, 'gpt-4o'))
    answer.delta('a')
    const feed = followAnswer(answer, 1000)
    const pending = feed.next()
    answer.delta('b')
    answer.end(frames.complete(ids, { model: 'gpt-4o', finishReason: 'stop', usage }))
    expect((await pending)?.type).toBe('chat_start')
    const rest = [await feed.next(), await feed.next(), await feed.next(), await feed.next()]
    expect(rest.map((f) => f && (f.content ?? f.type))).toEqual(['a', 'b', 'chat_complete', undefined])
    expect(answer.subscriberCount).toBe(0)
  })

  it('a reader more than maxBufferedBytes behind gets slow_consumer and the answer is cancelled', async () => {
    const answer = newAnswer()
    answer.emit(frames.start(ids, 'gpt-4o'))
    const feed = followAnswer(answer, 10)
    answer.delta('12345')
    answer.delta('67890')
    answer.delta('x') // one character over
    expect(answer.controller.signal.aborted).toBe(true)
    expect(answer.cancelReason).toBe('slow_consumer')
    const seen = [await feed.next(), await feed.next(), await feed.next(), await feed.next(), await feed.next()]
    expect(seen.map((f) => f && (f.code ?? f.content ?? f.type))).toEqual(['chat_start', '12345', '67890', 'slow_consumer', undefined])
  })

  it('a reader that keeps up is never cut, however long the answer', async () => {
    const answer = newAnswer()
    const feed = followAnswer(answer, 10)
    let text = ''
    for (let i = 0; i < 100; i++) {
      answer.delta('123456789')
      text += (await feed.next())!.content
    }
    expect(text).toHaveLength(900)
    expect(answer.controller.signal.aborted).toBe(false)
  })

  it('close ends a pending next and detaches from the answer', async () => {
    const answer = newAnswer()
    answer.emit(frames.start(ids, 'gpt-4o'))
    const feed = followAnswer(answer, 1000)
    await feed.next()
    expect(answer.subscriberCount).toBe(1)
    const pending = feed.next()
    feed.close()
    expect(await pending).toBeUndefined()
    expect(answer.subscriberCount).toBe(0)
    answer.delta('late')
    expect(await feed.next()).toBeUndefined()
  })
})
