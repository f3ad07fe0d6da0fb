import { describe, expect, it } from 'vitest'
import { createStartTurns } from './start-turns.js'

/** Resolves in the check phase after everything queued there before it (microtasks between immediates run). */
const afterImmediates = () => new Promise<void>((resolve) => setImmediate(resolve))

describe('createStartTurns', () => {
  it('lets a few starts through per event-loop turn, in arrival order', async () => {
    const turns = createStartTurns(4)
    const started: number[] = []
    const all = Array.from({ length: 10 }, (_, n) => turns.wait().then(() => started.push(n)))
    expect(started).toEqual([])
    await afterImmediates()
    expect(started).toEqual([0, 1, 2, 3])
    await afterImmediates()
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    await Promise.all(all)
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  })

  it('starts afresh after the queue emptied', async () => {
    const turns = createStartTurns(2)
    await turns.wait()
    await turns.wait()
    const late = turns.wait()
    await afterImmediates()
    await expect(late).resolves.toBeUndefined()
  })
})
