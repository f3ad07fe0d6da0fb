/**
 * Answers that stream come before answers that start. Each starting answer waits here, after `chat_start`,
 * before its history, grounding and upstream request; a few go on per turn of the event loop, between the
 * I/O of that turn (other answers' tokens) and the next. A burst of questions (every client asking at once)
 * then costs the streaming answers at most one batch of starts per turn, instead of the whole burst at once.
 */

/**
 * Starts let through per event-loop turn (each ~0.15 ms with grounding): 4 cost time to first token, unbounded
 * cost p99; 32 against 16 cost less CPU and time to first token (x0.95 each) for a saturation p99 still well
 * under the bare relay's (docs/benchmarks.md, Round 9).
 */
export const STARTS_PER_TURN = 32

export interface StartTurns {
  /** Resolves on a later turn of the event loop, in arrival order. */
  wait(): Promise<void>
}

export function createStartTurns(perTurn = STARTS_PER_TURN): StartTurns {
  const waiting: (() => void)[] = []
  let scheduled = false

  function letThrough(): void {
    // Taken out of the queue, not walked past: under steady load the queue never empties.
    for (const resolve of waiting.splice(0, perTurn)) resolve()
    if (waiting.length === 0) {
      scheduled = false
      return
    }
    // Immediates queued during the check phase run on the next turn, after its I/O.
    setImmediate(letThrough)
  }

  return {
    wait() {
      return new Promise<void>((resolve) => {
        waiting.push(resolve)
        if (scheduled) return
        scheduled = true
        setImmediate(letThrough)
      })
    },
  }
}
