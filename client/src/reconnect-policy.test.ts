import { describe, expect, it } from 'vitest'
import { CloseCode } from './protocol.js'
import { afterClose, type CloseFacts, type ReconnectSettings } from './reconnect-policy.js'

/** An asymmetric matcher typed as the string it stands for. */
const matching = (pattern: RegExp): string => expect.stringMatching(pattern) as string

const settings: ReconnectSettings = { initialDelayMs: 100, maxDelayMs: 5000, maxAttempts: 4 }
const facts = (over: Partial<CloseFacts>): CloseFacts => ({ code: 1006, opened: true, attempt: 0, canRefreshToken: false, ...over })
const decide = (over: Partial<CloseFacts>) => afterClose(facts(over), settings, () => 0)

describe('afterClose: what every close code leads to', () => {
  it('1009 (a frame too large) gives up with payload_too_large and says to send a shorter question', () => {
    expect(decide({ code: CloseCode.tooLarge })).toEqual({ action: 'give_up', code: 'payload_too_large', error: matching(/shorter question/) })
  })

  it('1008 (a client that kept flooding) gives up with policy_violation and says to slow down', () => {
    expect(decide({ code: CloseCode.policyViolation })).toEqual({ action: 'give_up', code: 'policy_violation', error: matching(/slow down/) })
  })

  it('1009 and 1008 give up even when a getToken callback could refresh', () => {
    expect(decide({ code: CloseCode.tooLarge, canRefreshToken: true }).action).toBe('give_up')
    expect(decide({ code: CloseCode.policyViolation, canRefreshToken: true }).action).toBe('give_up')
  })

  it('4001 (credential expired) with getToken refreshes and reconnects at once', () => {
    expect(decide({ code: CloseCode.credentialExpired, canRefreshToken: true, attempt: 2 })).toEqual({ action: 'retry', delayMs: 0, refreshToken: true })
  })

  it('4001 without getToken gives up with unauthorized and names the callback to pass', () => {
    expect(decide({ code: CloseCode.credentialExpired })).toEqual({ action: 'give_up', code: 'unauthorized', error: matching(/getToken/) })
  })

  it('1012 (server restart) reconnects at once without a token refresh', () => {
    expect(decide({ code: CloseCode.serviceRestart, attempt: 3 })).toEqual({ action: 'retry', delayMs: 0, refreshToken: false })
  })

  it.each([
    ['1006 dropped or missed heartbeat', 1006],
    ['1000 normal close by the server', CloseCode.normal],
    ['1001 going away', 1001],
    ['1011 server error', 1011],
    ['4008 not reading', CloseCode.notReading],
  ])('%s reconnects after the backoff delay of its attempt', (_name, code) => {
    expect(afterClose(facts({ code, attempt: 0 }), settings, () => 0)).toEqual({ action: 'retry', delayMs: 50, refreshToken: false })
    expect(afterClose(facts({ code, attempt: 2 }), settings, () => 1)).toEqual({ action: 'retry', delayMs: 400, refreshToken: false })
  })

  it('a handshake refused again after a retry refreshes the token first, if it can', () => {
    expect(decide({ opened: false, attempt: 1, canRefreshToken: true })).toEqual({ action: 'retry', delayMs: 100, refreshToken: true })
    expect(decide({ opened: false, attempt: 0, canRefreshToken: true })).toMatchObject({ refreshToken: false })
    expect(decide({ opened: false, attempt: 1, canRefreshToken: false })).toMatchObject({ refreshToken: false })
    expect(decide({ opened: true, attempt: 1, canRefreshToken: true })).toMatchObject({ refreshToken: false })
  })

  it('gives up with connection_closed after maxAttempts reconnects in a row, naming the count and the last code', () => {
    expect(decide({ attempt: 3 }).action).toBe('retry')
    const decision = decide({ attempt: 4, code: 1006 })
    expect(decision).toEqual({ action: 'give_up', code: 'connection_closed', error: matching(/after 4 reconnect attempts \(last close code 1006\)/) })
    expect(decide({ attempt: 4, code: CloseCode.serviceRestart }).action).toBe('give_up')
  })

  it('never gives up on a transient close when maxAttempts is unlimited', () => {
    expect(afterClose(facts({ attempt: 1_000_000 }), { ...settings, maxAttempts: Infinity }, () => 0)).toEqual({ action: 'retry', delayMs: 2500, refreshToken: false })
  })
})
