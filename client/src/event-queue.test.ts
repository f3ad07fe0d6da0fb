import { describe, expect, it } from 'vitest'
import { createEventQueue } from './event-queue.js'

describe('createEventQueue', () => {
  it('hands items pushed before and after the reader starts, then ends', async () => {
    const queue = createEventQueue<number>()
    queue.push(1)
    const read = (async () => {
      const seen: number[] = []
      for await (const n of queue) seen.push(n)
      return seen
    })()
    queue.push(2)
    queue.push(3)
    queue.end()
    queue.push(4) // after the end: dropped
    expect(await read).toEqual([1, 2, 3])
  })
})
