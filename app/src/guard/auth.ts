/** Authentication: none, shared API tokens (constant-time), JWTs (HS256 secret or a JWKS URL) via jose, or a trusted gateway's user header. */
import { createHash, timingSafeEqual } from 'node:crypto'
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose'

export interface Identity {
  /** Stable user id: the JWT `sub`, or a hash of the API token; undefined when anonymous. */
  userId: string | undefined
  /** When the credential expires (ms since epoch), if it does. */
  expiresAt: number | undefined
}

export type AuthResult = { ok: true; identity: Identity } | { ok: false; error: string }

/** The request's headers, for the gateway mode (which reads a header the gateway set, not a credential). */
export interface HeaderSource {
  header(name: string): string | undefined
}

export type Authenticator = (credential: string | undefined, request?: HeaderSource) => Promise<AuthResult>

export interface AuthSettings {
  mode: 'none' | 'token' | 'jwt' | 'gateway'
  apiTokens: string[]
  jwtSecret: string | undefined
  jwksUrl: string | undefined
  issuer: string | undefined
  audience: string | undefined
  /** AUTH_MODE=gateway: the header the gateway sets to the signed-in user's id (lowercase). */
  gatewayHeader?: string
}

export const DEFAULT_GATEWAY_HEADER = 'x-user-id'
/** A user id from the gateway: printable ASCII without spaces, as ids, emails and subjects are; it becomes a limit and owner key. */
const GATEWAY_USER_ID = /^[\x21-\x7e]{1,256}$/

const ANONYMOUS: AuthResult = { ok: true, identity: { userId: undefined, expiresAt: undefined } }
const sha256 = (value: string) => createHash('sha256').update(value).digest()

export function createAuthenticator(settings: AuthSettings): Authenticator {
  if (settings.mode === 'none') return async () => ANONYMOUS
  if (settings.mode === 'gateway') return gatewayAuthenticator(settings.gatewayHeader ?? DEFAULT_GATEWAY_HEADER)
  if (settings.mode === 'token') {
    // Hashing first makes every comparison the same length, so timingSafeEqual never leaks a token's length.
    const known = settings.apiTokens.map((token) => ({ digest: sha256(token), userId: `token:${sha256(token).toString('hex').slice(0, 12)}` }))
    return async function authenticateToken(credential) {
      if (!credential) return { ok: false, error: 'Missing credential: send Authorization: Bearer <token>' }
      const digest = sha256(credential)
      let match: string | undefined
      for (const entry of known) if (timingSafeEqual(entry.digest, digest)) match = entry.userId
      return match ? { ok: true, identity: { userId: match, expiresAt: undefined } } : { ok: false, error: 'Invalid API token' }
    }
  }
  const key: Uint8Array | JWTVerifyGetKey = settings.jwksUrl
    ? createRemoteJWKSet(new URL(settings.jwksUrl), { cooldownDuration: 30_000, timeoutDuration: 5000 })
    : new TextEncoder().encode(settings.jwtSecret)
  const algorithms = settings.jwksUrl ? ['RS256', 'ES256', 'PS256', 'EdDSA'] : ['HS256']
  return async function authenticateJwt(credential) {
    if (!credential) return { ok: false, error: 'Missing credential: send Authorization: Bearer <JWT>' }
    try {
      const { payload } = await jwtVerify(credential, key as Uint8Array, {
        algorithms,
        ...(settings.issuer ? { issuer: settings.issuer } : {}),
        ...(settings.audience ? { audience: settings.audience } : {}),
        clockTolerance: 5,
        // A token without exp would be valid forever, one without sub belongs to nobody.
        requiredClaims: ['exp', 'sub'],
      })
      if (!payload.sub) return { ok: false, error: 'The token has an empty sub claim; it must name the user' }
      return { ok: true, identity: { userId: payload.sub, expiresAt: payload.exp! * 1000 } }
    } catch (error) {
      return { ok: false, error: describeJwtError(error) }
    }
  }
}

/**
 * Trusts the user id a gateway in front of this server put in `header` after checking the user's session. Only
 * safe when every request passes that gateway and it strips any copy of the header the client sent.
 */
function gatewayAuthenticator(header: string): Authenticator {
  return async function authenticateGateway(_credential, request) {
    const value = request?.header(header)?.trim()
    if (!value) return { ok: false, error: `Missing user: the gateway must set the ${header} header (AUTH_MODE=gateway)` }
    if (!GATEWAY_USER_ID.test(value)) return { ok: false, error: `The ${header} header must be 1-256 printable characters without spaces` }
    return { ok: true, identity: { userId: value, expiresAt: undefined } }
  }
}

function describeJwtError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired'
  if (error instanceof joseErrors.JWTClaimValidationFailed && error.reason === 'missing') return `The token has no ${error.claim} claim; issue tokens with exp and sub`
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `The token's ${error.claim} claim is not accepted here`
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'The token signature is invalid'
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'The token was not signed by a known key'
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'The token uses an algorithm that is not accepted'
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JOSEError && error.code === 'ERR_JWKS_INVALID') return 'The signing keys could not be fetched; try again'
  return 'The token is malformed'
}
