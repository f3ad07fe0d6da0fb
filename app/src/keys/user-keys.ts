/** Users' own model keys: check, verify upstream, seal and store; describe; remove; open for one answer. */
import type { ErrorCode } from '../protocol/frames.js'
import { openKey, sealKey } from './envelope.js'
import { KekError, type KeyEncryptionKey } from './kek.js'
import type { SealedKeyStore } from './key-store.js'
import { keyShapeProblem, maskKey } from './mask.js'

/** Stable reasons, sent as `reason` beside the HTTP error code. */
export type UserKeyErrorCode =
  | 'byok_disabled'
  | 'byok_key_invalid'
  | 'byok_key_refused'
  | 'byok_verify_unavailable'
  | 'byok_no_key'
  | 'byok_key_unreadable'
  | 'byok_model_not_allowed'
  | 'byok_kms_unavailable'
  | 'byok_kms_denied'
  | 'byok_store_unavailable'

const STATUS: Record<UserKeyErrorCode, 400 | 404 | 409 | 503> = {
  byok_disabled: 404,
  byok_key_invalid: 400,
  byok_key_refused: 400,
  byok_verify_unavailable: 503,
  byok_no_key: 404,
  byok_key_unreadable: 409,
  byok_model_not_allowed: 400,
  byok_kms_unavailable: 503,
  byok_kms_denied: 503,
  byok_store_unavailable: 503,
}

const WIRE_CODE: Record<400 | 404 | 409 | 503, ErrorCode> = { 400: 'invalid_message', 404: 'not_found', 409: 'invalid_message', 503: 'unavailable' }

/** A refusal about a user's key, with the HTTP status and wire code it maps to; its message never holds the key. */
export class UserKeyError extends Error {
  override name = 'UserKeyError'
  readonly status: 400 | 404 | 409 | 503
  /** The code of the error frame or body clients see (the BYOK `code` is more precise, sent as `reason` where possible). */
  readonly wireCode: ErrorCode
  constructor(
    readonly code: UserKeyErrorCode,
    message: string,
  ) {
    super(message)
    this.status = STATUS[code]
    this.wireCode = WIRE_CODE[this.status]
  }
}

/** Asks the provider whether a key works (one cheap call); throws UserKeyError `byok_key_refused` or `byok_verify_unavailable`. */
export type KeyVerifier = (apiKey: string) => Promise<void>

export interface UserKeysOptions {
  kek: KeyEncryptionKey
  store: SealedKeyStore
  verify: KeyVerifier
  /** The models a user's key may be used with (BYOK_MODELS); the first is the default. */
  models: string[]
}

export interface StoredKeyInfo {
  stored: boolean
  masked?: string
  createdAt?: string
}

export interface UserKeys {
  readonly models: readonly string[]
  save(userId: string, apiKey: unknown): Promise<{ masked: string; createdAt: string }>
  describe(userId: string): Promise<StoredKeyInfo>
  /** True when a key was removed. */
  remove(userId: string): Promise<boolean>
  /** The user's key in plaintext, for one answer; the caller keeps it in memory only while that answer runs. */
  open(userId: string): Promise<string>
  /** The model to use: the one asked for when allowed (else UserKeyError), or the first allowed. */
  model(requested: string | undefined): string
}

export function createUserKeys(options: UserKeysOptions): UserKeys {
  const { kek, store, verify, models } = options

  async function stored<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch {
      throw new UserKeyError('byok_store_unavailable', 'The key store (Redis) is unreachable; try again shortly')
    }
  }

  return {
    models,
    async save(userId, apiKey) {
      const problem = keyShapeProblem(apiKey)
      if (problem) throw new UserKeyError('byok_key_invalid', problem)
      const key = apiKey as string
      // Verified before sealing, sealed before storing: a failure at any step leaves nothing behind.
      await verify(key)
      const record = await sealKey(key, userId, kek, maskKey(key)).catch((error: unknown) => {
        throw fromKekError(error)
      })
      await stored(() => store.put(userId, record))
      return { masked: record.masked, createdAt: record.createdAt }
    },
    async describe(userId) {
      const record = await stored(() => store.get(userId))
      return record ? { stored: true, masked: record.masked, createdAt: record.createdAt } : { stored: false }
    },
    remove: (userId) => stored(() => store.delete(userId)),
    async open(userId) {
      const record = await stored(() => store.get(userId))
      if (!record) throw new UserKeyError('byok_no_key', 'No API key of your own is stored; POST /api/playground/assistant/user-ai-key with {"apiKey":"sk-..."} first')
      try {
        return await openKey(record, userId, kek)
      } catch (error) {
        throw fromKekError(error)
      }
    },
    model(requested) {
      if (requested === undefined) return models[0]!
      if (!models.includes(requested)) {
        throw new UserKeyError('byok_model_not_allowed', `model ${JSON.stringify(requested.slice(0, 64))} is not offered with your own key; choose one of ${models.join(', ')}`)
      }
      return requested
    },
  }
}

function fromKekError(error: unknown): UserKeyError {
  if (error instanceof UserKeyError) return error
  if (error instanceof KekError) {
    if (error.code === 'kek_rejected') return new UserKeyError('byok_key_unreadable', 'The stored key cannot be opened for your account; store it again')
    if (error.code === 'kek_denied') return new UserKeyError('byok_kms_denied', `Your own key cannot be used right now: ${error.message}`)
  }
  return new UserKeyError('byok_kms_unavailable', 'The key service (Cloud KMS) is unreachable, so your own key cannot be used right now; try again shortly, or chat without useCustomKey')
}
