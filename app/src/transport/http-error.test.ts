import { describe, expect, it } from 'vitest'
import { httpError, refusalResponse } from './http-error.js'

describe('httpError', () => {
  it('gives every error one body shape, with the status of its code', async () => {
    const res = httpError('busy', 'This conversation is still answering; wait for chat_complete or send cancel first', { extra: { messageId: 'm-1' } })
    expect(res.status).toBe(409)
    expect(await res.json()).toEqual({ type: 'error', code: 'busy', error: 'This conversation is still answering; wait for chat_complete or send cancel first', messageId: 'm-1' })
    expect(httpError('not_found', 'No route').status).toBe(404)
    expect(httpError('invalid_message', 'Speak WebSocket', { status: 426 }).status).toBe(426)
  })

  it('sets Retry-After from retryAfter, and WWW-Authenticate on 401', () => {
    const limited = refusalResponse({ status: 429, code: 'rate_limited', error: 'Too many questions in a short time; wait a moment', retryAfter: 7 })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('7')
    const unauthorized = refusalResponse({ status: 401, code: 'unauthorized', error: 'Invalid API token' })
    expect(unauthorized.status).toBe(401)
    expect(unauthorized.headers.get('www-authenticate')).toBe('Bearer')
  })
})
