/** The named states of the client's socket and the moves between them (as centrifuge-js names its states). */

/**
 * - connecting: a socket is opening.
 * - open: the socket is open; frames flow.
 * - waiting: the socket closed; a reconnect is scheduled after a backoff delay.
 * - refreshing: the socket closed; getToken is running, then a reconnect is scheduled.
 * - failed: given up for good (a refusing close code, no token, too many attempts); the next ask connects again.
 * - closed: close() was called; the next ask connects again.
 */
export type LinkState = 'connecting' | 'open' | 'waiting' | 'refreshing' | 'failed' | 'closed'

const MOVES: Record<LinkState, readonly LinkState[]> = {
  connecting: ['open', 'waiting', 'refreshing', 'failed', 'closed'],
  open: ['waiting', 'refreshing', 'failed', 'closed'],
  waiting: ['connecting', 'closed'],
  refreshing: ['waiting', 'failed', 'closed'],
  failed: ['connecting', 'closed'],
  closed: ['connecting', 'closed'],
}

/** Whether the client may move from one state to the other; any other move is a bug. */
export function canMove(from: LinkState, to: LinkState): boolean {
  return MOVES[from].includes(to)
}

/** States with no socket and no reconnect under way: only a new ask (or ready()) connects again. */
export function isIdle(state: LinkState): boolean {
  return state === 'failed' || state === 'closed'
}
