import { describe, expect, it } from 'vitest'
import { canMove, isIdle, type LinkState } from './link-state.js'

const ALL: LinkState[] = ['connecting', 'open', 'waiting', 'refreshing', 'failed', 'closed']

describe('the link states', () => {
  it('reach open only from connecting, and connecting only from waiting, failed or closed', () => {
    expect(ALL.filter((from) => canMove(from, 'open'))).toEqual(['connecting'])
    expect(ALL.filter((from) => canMove(from, 'connecting'))).toEqual(['waiting', 'failed', 'closed'])
  })

  it('let close() end every state', () => {
    expect(ALL.filter((from) => canMove(from, 'closed'))).toEqual(ALL)
  })

  it('schedule a retry only after a socket closed or a token refresh', () => {
    expect(ALL.filter((from) => canMove(from, 'waiting'))).toEqual(['connecting', 'open', 'refreshing'])
  })

  it('are idle (only a new ask connects) after a give-up or close()', () => {
    expect(ALL.filter(isIdle)).toEqual(['failed', 'closed'])
  })
})
