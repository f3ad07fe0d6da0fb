/** What the client does after its socket closed: a pure function of the close code, the attempt and the settings. */
import { backoffDelay, type BackoffSettings } from './backoff.js'
import { CloseCode, type ErrorCode } from './protocol.js'
import type { ClientErrorCode } from './answer-stream.js'

export interface ReconnectSettings extends BackoffSettings {
  /** Reconnects in a row without an open socket before the client gives up; unlimited by default. */
  maxAttempts: number
}

export const DEFAULT_RECONNECT: ReconnectSettings = { initialDelayMs: 250, maxDelayMs: 15_000, maxAttempts: Infinity }

export interface CloseFacts {
  /** The close code (1006 for a dropped connection, a refused handshake or a missed heartbeat). */
  code: number
  /** Whether this socket opened before it closed (a refused handshake never opens). */
  opened: boolean
  /** Reconnects in a row so far without an open socket. */
  attempt: number
  /** Whether a getToken callback was given. */
  canRefreshToken: boolean
}

/** The codes a give-up ends every answer in flight with. */
export type GiveUpCode = Extract<ErrorCode | ClientErrorCode, 'payload_too_large' | 'policy_violation' | 'unauthorized' | 'connection_closed'>

export type ReconnectDecision =
  | { action: 'retry'; delayMs: number; refreshToken: boolean }
  | { action: 'give_up'; code: GiveUpCode; error: string }

/** Decides between a retry (after how long, with a fresh token or not) and giving up for good. */
export function afterClose(facts: CloseFacts, settings: ReconnectSettings, random: () => number = Math.random): ReconnectDecision {
  const { code, opened, attempt, canRefreshToken } = facts
  if (code === CloseCode.tooLarge) {
    return giveUp('payload_too_large', 'The server closed the connection because a message was too large; send a shorter question')
  }
  if (code === CloseCode.policyViolation) {
    return giveUp('policy_violation', 'The server closed the connection because too many messages were sent; slow down')
  }
  const expired = code === CloseCode.credentialExpired
  if (expired && !canRefreshToken) {
    return giveUp('unauthorized', 'The credential expired and no getToken callback was given; connect again with a fresh token')
  }
  if (attempt >= settings.maxAttempts) {
    return giveUp('connection_closed', `The server could not be reached after ${attempt} reconnect attempts (last close code ${code}); check the URL and the network, then ask again`)
  }
  // A handshake refused again after a retry may be a stale token: fetch a fresh one before the next try.
  const refreshToken = expired || (!opened && canRefreshToken && attempt > 0)
  // 4001 with a fresh token, and 1012 (others take over from a restarting server), reconnect at once.
  const immediate = expired || code === CloseCode.serviceRestart
  return { action: 'retry', delayMs: immediate ? 0 : backoffDelay(attempt, settings, random), refreshToken }
}

function giveUp(code: GiveUpCode, error: string): ReconnectDecision {
  return { action: 'give_up', code, error }
}
