/** Envelope sealing of one user's key: AES-256-GCM under a fresh data key, the data key wrapped by a KEK, the user id bound as AAD. */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { KekError, type KeyEncryptionKey } from './kek.js'

/** What is stored for one user: no plaintext, and useless under another user id or another KEK. */
export interface SealedKey {
  v: 1
  /** Which KEK wrapped the data key (`kms` key name or `local:` fingerprint). */
  kek: string
  /** The wrapped data key, base64. */
  wrappedKey: string
  /** iv (12) + tag (16) + ciphertext of the user's key, base64. */
  sealed: string
  /** The masked form shown to the user (never enough to use). */
  masked: string
  createdAt: string
}

const IV_BYTES = 12
const TAG_BYTES = 16

/** Authenticated data: the purpose, the version and the user. A record copied to another user fails its tag. */
export function recordAad(userId: string): Buffer {
  return Buffer.from(`hedera-assistant/user-ai-key/v1/${userId}`, 'utf8')
}

export async function sealKey(plaintext: string, userId: string, kek: KeyEncryptionKey, masked: string, now = new Date()): Promise<SealedKey> {
  const aad = recordAad(userId)
  const dataKey = randomBytes(32)
  try {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv)
    cipher.setAAD(aad)
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    const wrapped = await kek.wrap(dataKey, aad)
    return {
      v: 1,
      kek: kek.id,
      wrappedKey: wrapped.toString('base64'),
      sealed: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64'),
      masked,
      createdAt: now.toISOString(),
    }
  } finally {
    dataKey.fill(0)
  }
}

/** The user's key, or KekError: `kek_rejected` when the record is not this user's (or not this KEK's). */
export async function openKey(record: SealedKey, userId: string, kek: KeyEncryptionKey): Promise<string> {
  if (record.v !== 1) throw new KekError('kek_rejected', `the stored key has an unknown format (v${String(record.v)})`)
  if (record.kek !== kek.id) throw new KekError('kek_rejected', 'the stored key was sealed under another key-encryption key; the user must store it again')
  const aad = recordAad(userId)
  const dataKey = await kek.unwrap(Buffer.from(record.wrappedKey, 'base64'), aad)
  try {
    const sealed = Buffer.from(record.sealed, 'base64')
    if (sealed.length <= IV_BYTES + TAG_BYTES || dataKey.length !== 32) throw new KekError('kek_rejected', 'the stored key is damaged')
    const decipher = createDecipheriv('aes-256-gcm', dataKey, sealed.subarray(0, IV_BYTES))
    decipher.setAAD(aad)
    decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
    try {
      return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8')
    } catch {
      throw new KekError('kek_rejected', 'the stored key does not open for this user')
    }
  } finally {
    dataKey.fill(0)
  }
}

/** Parses a stored record (from Redis); undefined for anything that is not one. */
export function parseSealedKey(text: string): SealedKey | undefined {
  try {
    const value = JSON.parse(text) as Partial<SealedKey>
    const fields = [value.kek, value.wrappedKey, value.sealed, value.masked, value.createdAt]
    return value.v === 1 && fields.every((f) => typeof f === 'string') ? (value as SealedKey) : undefined
  } catch {
    return undefined
  }
}
