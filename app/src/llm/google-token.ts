/** Short-lived Google access tokens for Vertex AI: from the metadata server (GCE_METADATA_HOST) or Application Default Credentials, refreshed before they expire. */
import type { GoogleAuth } from 'google-auth-library'

export interface TokenSource {
  /** A bearer token valid for a while yet; fetched again when it is close to expiring. */
  token(): Promise<string>
}

/** Getting a token failed; the message says where from and what to check, never a token. */
export class TokenError extends Error {
  override name = 'TokenError'
}

export interface MetadataTokenOptions {
  /** `host[:port]` of the metadata server (GCE_METADATA_HOST), e.g. metadata.google.internal. */
  host: string
  /** The clock (ms); tests move it by hand. */
  now?: () => number
  /** Ask this long before expiry at the latest (capped at half a token's life). Default 5 minutes. */
  refreshMarginMs?: number
  timeoutMs?: number
}

interface Cached {
  value: string
  fetchedAt: number
  expiresAt: number
}

const SCOPE = 'https://www.googleapis.com/auth/cloud-platform'

/** The metadata server of Cloud Run / GKE (Workload Identity) / GCE: the service account's token, cached until near its end. */
export function createMetadataTokenSource(options: MetadataTokenOptions): TokenSource {
  const now = options.now ?? Date.now
  const margin = options.refreshMarginMs ?? 300_000
  const url = `http://${options.host}/computeMetadata/v1/instance/service-accounts/default/token?scopes=${encodeURIComponent(SCOPE)}`
  let cached: Cached | undefined
  let pending: Promise<Cached> | undefined

  async function fetchToken(): Promise<Cached> {
    const fetchedAt = now()
    let response: Response
    try {
      response = await fetch(url, { headers: { 'Metadata-Flavor': 'Google' }, signal: AbortSignal.timeout(options.timeoutMs ?? 5_000) })
    } catch {
      throw new TokenError(`The metadata server at ${options.host} did not answer; run on Cloud Run/GKE/GCE or unset GCE_METADATA_HOST to use Application Default Credentials`)
    }
    // Anything else answering on that address (a proxy, a captive portal) is not the metadata server.
    if (response.headers.get('metadata-flavor') !== 'Google') throw new TokenError(`${options.host} did not answer as a metadata server (no Metadata-Flavor: Google)`)
    if (!response.ok) throw new TokenError(`The metadata server answered HTTP ${response.status} for the service account token; check the workload's service account (Workload Identity)`)
    const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; expires_in?: unknown }
    if (typeof body.access_token !== 'string' || typeof body.expires_in !== 'number') throw new TokenError('The metadata server sent a token response without access_token and expires_in')
    return { value: body.access_token, fetchedAt, expiresAt: fetchedAt + body.expires_in * 1000 }
  }

  const fresh = (token: Cached) => now() < token.expiresAt - Math.min(margin, (token.expiresAt - token.fetchedAt) / 2)

  return {
    async token() {
      if (cached && fresh(cached)) return cached.value
      // One request at a time, however many answers need a token at once.
      pending ??= fetchToken().finally(() => (pending = undefined))
      try {
        cached = await pending
      } catch (error) {
        // A refresh that fails while the old token is still valid does not fail the answer.
        if (cached && now() < cached.expiresAt) return cached.value
        throw error
      }
      return cached.value
    },
  }
}

/** Application Default Credentials (gcloud auth application-default login, a key file, or the metadata server): google-auth-library caches and refreshes. */
export function createAdcTokenSource(): TokenSource {
  // Imported on the first token, so a server without Vertex never loads google-auth-library.
  let auth: Promise<GoogleAuth> | undefined
  return {
    async token() {
      let token: string | null | undefined
      try {
        auth ??= import('google-auth-library').then(({ GoogleAuth }) => new GoogleAuth({ scopes: [SCOPE] }))
        token = await (await auth).getAccessToken()
      } catch (error) {
        // Its messages name files and hosts, never tokens; keep the first line only.
        throw new TokenError(`No Google credentials for Vertex AI (${String((error as Error).message).split('\n')[0]}); locally run gcloud auth application-default login`)
      }
      if (!token) throw new TokenError('Application Default Credentials gave no access token')
      return token
    },
  }
}
