/** Key-encryption keys (KEKs): what wraps each record's data key; Cloud KMS in production, a local key otherwise. */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'

/** Why a KEK could not wrap or unwrap; `unavailable` is worth retrying later, the others are not. */
export type KekErrorCode = 'kek_unavailable' | 'kek_denied' | 'kek_rejected'

/** A failure of the KEK (KMS down, permission missing, a record it refuses); never carries key material. */
export class KekError extends Error {
  override name = 'KekError'
  constructor(
    readonly code: KekErrorCode,
    message: string,
  ) {
    super(message)
  }
}

export interface KeyEncryptionKey {
  /** `kms` or `local`: which kind wrapped a record, stored beside it. */
  readonly kind: 'kms' | 'local'
  /** Names the key without revealing it (the KMS key name, a fingerprint of a local key). */
  readonly id: string
  /** Wraps a data key; `aad` must be given again to unwrap. */
  wrap(dataKey: Buffer, aad: Buffer): Promise<Buffer>
  unwrap(wrapped: Buffer, aad: Buffer): Promise<Buffer>
}

const IV_BYTES = 12
const TAG_BYTES = 16

/** A local KEK: 32 random bytes from a secret (BYOK_LOCAL_KEY); data keys wrapped with AES-256-GCM. */
export function createLocalKek(key: Buffer): KeyEncryptionKey {
  if (key.length !== 32) throw new Error(`a local key-encryption key must be 32 bytes (got ${key.length})`)
  // The fingerprint tells two keys apart in a record without helping anyone guess the key.
  const id = `local:${createHash('sha256').update('hedera-assistant-kek-id').update(key).digest('hex').slice(0, 16)}`
  return {
    kind: 'local',
    id,
    async wrap(dataKey, aad) {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      cipher.setAAD(aad)
      const body = Buffer.concat([cipher.update(dataKey), cipher.final()])
      return Buffer.concat([iv, cipher.getAuthTag(), body])
    },
    async unwrap(wrapped, aad) {
      if (wrapped.length <= IV_BYTES + TAG_BYTES) throw new KekError('kek_rejected', 'the wrapped data key is too short')
      const decipher = createDecipheriv('aes-256-gcm', key, wrapped.subarray(0, IV_BYTES))
      decipher.setAAD(aad)
      decipher.setAuthTag(wrapped.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
      try {
        return Buffer.concat([decipher.update(wrapped.subarray(IV_BYTES + TAG_BYTES)), decipher.final()])
      } catch {
        throw new KekError('kek_rejected', 'the data key does not open with this key-encryption key and user')
      }
    },
  }
}
