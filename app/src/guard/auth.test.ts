import { describe, expect, it } from 'vitest'
import { createAuthenticator, type AuthSettings } from './auth.js'

const settings = (over: Partial<AuthSettings> = {}): AuthSettings => ({ mode: 'gateway', apiTokens: [], jwtSecret: undefined, jwksUrl: undefined, issuer: undefined, audience: undefined, ...over })
const headers = (values: Record<string, string>) => ({ header: (name: string) => values[name] })

describe('AUTH_MODE=gateway', () => {
  it('takes the user from x-user-id, ignoring any bearer credential', async () => {
    const authenticate = createAuthenticator(settings())
    expect(await authenticate('some-token', headers({ 'x-user-id': 'user-42' }))).toEqual({ ok: true, identity: { userId: 'user-42', expiresAt: undefined } })
  })

  it('reads the configured header instead, and only that one', async () => {
    const authenticate = createAuthenticator(settings({ gatewayHeader: 'x-portal-user' }))
    expect(await authenticate(undefined, headers({ 'x-portal-user': 'alice@example.com' }))).toMatchObject({ ok: true, identity: { userId: 'alice@example.com' } })
    expect(await authenticate(undefined, headers({ 'x-user-id': 'mallory' }))).toEqual({ ok: false, error: 'Missing user: the gateway must set the x-portal-user header (AUTH_MODE=gateway)' })
  })

  it('refuses a request without the header, with an empty one, or with one that is not an id', async () => {
    const authenticate = createAuthenticator(settings())
    expect(await authenticate(undefined)).toMatchObject({ ok: false })
    expect(await authenticate(undefined, headers({}))).toEqual({ ok: false, error: 'Missing user: the gateway must set the x-user-id header (AUTH_MODE=gateway)' })
    expect(await authenticate(undefined, headers({ 'x-user-id': '  ' }))).toMatchObject({ ok: false })
    expect(await authenticate(undefined, headers({ 'x-user-id': 'two words' }))).toEqual({ ok: false, error: 'The x-user-id header must be 1-256 printable characters without spaces' })
    expect(await authenticate(undefined, headers({ 'x-user-id': 'x'.repeat(257) }))).toMatchObject({ ok: false })
  })
})
