/** Users' own keys, assembled from the config: the KEK (Cloud KMS or local), the store, the verifier and the per-answer client factory. */
import type { Redis } from 'ioredis'
import type { Config } from '../config/config.js'
import { answerLimits } from '../llm/provider.js'
import { createUserClientFactory, type UserClientFactory } from '../llm/user-client.js'
import { createLocalKek, type KeyEncryptionKey } from './kek.js'
import { createMemoryKeyStore, createRedisKeyStore, type SealedKeyStore } from './key-store.js'
import { createKmsKek } from './kms-kek.js'
import { createUserKeys, type KeyVerifier, type UserKeys } from './user-keys.js'
import { createOpenAiKeyVerifier } from './verify-key.js'

export interface Byok {
  keys: UserKeys
  /** An LLM client on the user's own key and an allowed model, for one answer. */
  clientFor: UserClientFactory
  close(): Promise<void>
}

export interface ByokOptions {
  /** Shared store for many instances; in memory otherwise. */
  redis?: Redis | undefined
  store?: SealedKeyStore
  verify?: KeyVerifier
}

/** Undefined when BYOK is off (no BYOK_KMS_KEY_NAME nor BYOK_LOCAL_KEY). */
export async function createByok(config: Config, options: ByokOptions = {}): Promise<Byok | undefined> {
  const { byok, openai } = config
  if (!byok.enabled) return undefined
  let kek: KeyEncryptionKey
  let close = async () => {}
  if (byok.kmsKeyName) {
    const kms = await createKmsKek({ keyName: byok.kmsKeyName, endpoint: byok.kmsEndpoint, timeoutMs: byok.kmsTimeoutMs })
    kek = kms
    close = () => kms.close()
  } else {
    kek = createLocalKek(byok.localKey!)
  }
  const store = options.store ?? (options.redis ? createRedisKeyStore(options.redis) : createMemoryKeyStore())
  const keys = createUserKeys({ kek, store, verify: options.verify ?? createOpenAiKeyVerifier({ baseURL: openai.baseURL }), models: byok.models })
  return { keys, clientFor: createUserClientFactory({ ...answerLimits(config), baseURL: openai.baseURL }, keys), close }
}
