import { describe, expect, it } from 'vitest'
import { createLocalCoordinator } from './coordinator.js'

describe('the local coordinator', () => {
  it("knows a conversation's active answer from its claim until its release", async () => {
    const coordinator = createLocalCoordinator()
    const meta = { messageId: 'm-1', conversationId: 'c-1', userId: undefined }
    expect(await coordinator.activeAnswer('c-1')).toBeUndefined()
    expect(await coordinator.claim(meta, 60_000)).toBe('claimed')
    expect(await coordinator.activeAnswer('c-1')).toBe('m-1')
    await coordinator.release(meta)
    expect(await coordinator.activeAnswer('c-1')).toBeUndefined()
  })
})
