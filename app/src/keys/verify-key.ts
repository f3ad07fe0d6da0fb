/** One cheap call (GET /models) that tells whether an OpenAI key works, before it is sealed and stored. */
import OpenAI from 'openai'
import { UserKeyError, type KeyVerifier } from './user-keys.js'

export interface VerifyOptions {
  /** The OpenAI-compatible base URL the user's key will be used against (OPENAI_BASE_URL). */
  baseURL: string | undefined
  timeoutMs?: number
}

export function createOpenAiKeyVerifier(options: VerifyOptions): KeyVerifier {
  return async function verifyOpenAiKey(apiKey) {
    const client = new OpenAI({ apiKey, baseURL: options.baseURL, maxRetries: 0, timeout: options.timeoutMs ?? 10_000 })
    try {
      // The first page only: a request, not a crawl of every model.
      await client.models.list()
    } catch (error) {
      // The provider's own message may quote part of the key: only the status is passed on.
      if (error instanceof OpenAI.APIError && error.status !== undefined) {
        const status = Number(error.status)
        if (status === 401 || status === 403) throw new UserKeyError('byok_key_refused', `OpenAI refused this key (HTTP ${status}); check that it is active and copied whole`)
        if (status === 429) throw new UserKeyError('byok_key_refused', 'OpenAI answered 429 for this key (rate limited or out of quota); check the account\'s billing, then try again')
        if (status < 500) throw new UserKeyError('byok_key_refused', `OpenAI did not accept this key (HTTP ${status})`)
      }
      throw new UserKeyError('byok_verify_unavailable', 'OpenAI could not be reached to check the key; nothing was stored, try again shortly')
    }
  }
}
