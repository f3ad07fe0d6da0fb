/** Per-answer LLM clients on a user's own key (BYOK): the key opened for one answer, the model from the allowlist. */
import type { UserKeys } from '../keys/user-keys.js'
import type { LlmClient } from './client.js'
import { createOpenAiClient, type OpenAiSettings } from './openai.js'

export type UserClientFactory = (userId: string, model: string | undefined) => Promise<LlmClient>

/**
 * `clientFor(userId, model)` opens the user's sealed key (UserKeyError when none, when the model is not
 * allowed, or when KMS is down) and returns a client that holds the key only as long as the caller holds
 * the client: one answer.
 */
export function createUserClientFactory(settings: Omit<OpenAiSettings, 'apiKey' | 'model' | 'credentialHint'>, keys: UserKeys): UserClientFactory {
  return async function clientFor(userId, requested) {
    const model = keys.model(requested)
    const apiKey = await keys.open(userId)
    return createOpenAiClient({ ...settings, apiKey, model, credentialHint: 'your stored key was refused; store a working key again' })
  }
}
