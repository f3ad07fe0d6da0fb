import { describe, expect, it } from 'vitest'
import { errorResponse, fromCode, fromDenial, fromRefused } from './errors.js'

describe('OpenAI error shapes', () => {
  it('a refused credential is 401 invalid_api_key with WWW-Authenticate', async () => {
    const response = errorResponse(fromDenial({ status: 401, code: 'unauthorized', error: 'Send Authorization: Bearer <token>' }))
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Bearer')
    expect(await response.json()).toEqual({ error: { message: 'Send Authorization: Bearer <token>', type: 'invalid_request_error', code: 'invalid_api_key', param: null } })
  })

  it('a rate limit is 429 rate_limit_exceeded with Retry-After, and the SDKs may retry', async () => {
    const response = errorResponse(fromRefused({ code: 'rate_limited', limit: 'chats', retryAfter: 7, error: 'Too many chats; wait' }))
    expect(response.status).toBe(429)
    expect(response.headers.get('retry-after')).toBe('7')
    expect(response.headers.get('x-should-retry')).toBeNull()
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('rate_limit_exceeded')
  })

  it('a spent daily budget is 429 insufficient_quota that tells the SDKs not to retry', async () => {
    const response = errorResponse(fromRefused({ code: 'rate_limited', limit: 'daily_tokens', retryAfter: 3600, error: 'The daily token budget is spent' }))
    expect(response.status).toBe(429)
    expect(response.headers.get('x-should-retry')).toBe('false')
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe('insufficient_quota')
  })

  it('the provider limiting the server is 503, not the caller’s 429', () => {
    expect(fromCode('rate_limited', 'The model provider is rate limiting requests', 2)).toMatchObject({ status: 503, code: 'upstream_rate_limited', retryAfter: 2 })
  })

  it.each([
    ['upstream_error', 502],
    ['upstream_timeout', 504],
    ['shutting_down', 503],
    ['unavailable', 503],
    ['llm_unconfigured', 503],
    ['invalid_message', 400],
    ['internal_error', 500],
  ] as const)('%s is HTTP %i', (code, status) => {
    expect(fromRefused({ ok: false, code, error: 'x' }).status).toBe(status)
  })
})
