/** Envelope sealing with a local KEK and with Cloud KMS (the real client against the fake KMS gRPC server). */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeKms, type FakeKms } from '../../test/support/fake-kms.js'
import { openKey, parseSealedKey, sealKey } from './envelope.js'
import { createLocalKek, KekError, type KeyEncryptionKey } from './kek.js'
import { createKmsKek, type KmsKek } from './kms-kek.js'

const KEY_NAME = 'projects/demo/locations/global/keyRings/assistant/cryptoKeys/user-ai-keys'
const USER_KEY = 'sk-proj-ThisIsAUserKey0123456789abcdefXYZ'

let kms: FakeKms
let kmsKek: KmsKek
beforeAll(async () => {
  kms = await startFakeKms([KEY_NAME])
  kmsKek = await createKmsKek({ keyName: KEY_NAME, endpoint: kms.endpoint, timeoutMs: 2_000 })
})
afterAll(async () => {
  await kmsKek.close()
  await kms.close()
})

async function rejection(promise: Promise<unknown>): Promise<KekError> {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(KekError)
  return error as KekError
}

describe.each([
  ['local', () => createLocalKek(randomBytes(32))],
  ['kms', () => kmsKek],
] as [string, () => KeyEncryptionKey][])('envelope with a %s KEK', (_kind, kekOf) => {
  it('seals and opens a key for the same user; the record holds no plaintext', async () => {
    const kek = kekOf()
    const record = await sealKey(USER_KEY, 'user-a', kek, 'sk-proj-…zXYZ')
    expect(await openKey(record, 'user-a', kek)).toBe(USER_KEY)
    const stored = JSON.stringify(record)
    expect(stored).not.toContain(USER_KEY)
    expect(stored).not.toContain(Buffer.from(USER_KEY).toString('base64').slice(0, 20))
    expect(parseSealedKey(stored)).toEqual(record)
  })

  it('uses a fresh data key per record: the same key sealed twice shares no bytes', async () => {
    const kek = kekOf()
    const one = await sealKey(USER_KEY, 'user-a', kek, 'm')
    const two = await sealKey(USER_KEY, 'user-a', kek, 'm')
    expect(one.wrappedKey).not.toBe(two.wrappedKey)
    expect(one.sealed).not.toBe(two.sealed)
  })

  it("a record replayed under another user's id does not open", async () => {
    const kek = kekOf()
    const record = await sealKey(USER_KEY, 'user-a', kek, 'm')
    const error = await rejection(openKey(record, 'user-b', kek))
    expect(error.code).toBe('kek_rejected')
    expect(error.message).not.toContain(USER_KEY)
  })

  it('a record whose sealed bytes were changed does not open', async () => {
    const kek = kekOf()
    const record = await sealKey(USER_KEY, 'user-a', kek, 'm')
    const bytes = Buffer.from(record.sealed, 'base64')
    bytes[bytes.length - 1]! ^= 1
    expect((await rejection(openKey({ ...record, sealed: bytes.toString('base64') }, 'user-a', kek))).code).toBe('kek_rejected')
  })
})

describe('KEK boundaries', () => {
  it('a record sealed under one local key is refused by another, before any decryption', async () => {
    const record = await sealKey(USER_KEY, 'user-a', createLocalKek(randomBytes(32)), 'm')
    const error = await rejection(openKey(record, 'user-a', createLocalKek(randomBytes(32))))
    expect(error.message).toMatch(/another key-encryption key/)
  })

  it('a local KEK must be 32 bytes', () => {
    expect(() => createLocalKek(randomBytes(16))).toThrow(/32 bytes \(got 16\)/)
  })

  it('Cloud KMS sees only 32-byte data keys and the user-bound AAD, never the user key, and no credentials are sent to the local server', async () => {
    const before = kms.calls.length
    const record = await sealKey(USER_KEY, 'user-a', kmsKek, 'm')
    await openKey(record, 'user-a', kmsKek)
    const calls = kms.calls.slice(before)
    expect(calls.map((c) => c.method)).toEqual(['encrypt', 'decrypt'])
    expect(calls[0]!.plaintextBytes).toBe(32)
    expect(calls.every((c) => c.name === KEY_NAME && c.aadBytes > 'user-a'.length && c.authorization === undefined)).toBe(true)
  })

  it('a KMS outage is kek_unavailable, a missing permission kek_denied, a missing key kek_denied naming the setting', async () => {
    const record = await sealKey(USER_KEY, 'user-a', kmsKek, 'm')
    kms.outage()
    try {
      const down = await rejection(openKey(record, 'user-a', kmsKek))
      expect(down.code).toBe('kek_unavailable')
      kms.deny()
      const denied = await rejection(sealKey(USER_KEY, 'user-a', kmsKek, 'm'))
      expect(denied.code).toBe('kek_denied')
      expect(denied.message).toContain('roles/cloudkms.cryptoKeyEncrypterDecrypter')
    } finally {
      kms.restore()
    }
    const other = await createKmsKek({ keyName: `${KEY_NAME}-gone`, endpoint: kms.endpoint, timeoutMs: 2_000 })
    try {
      const missing = await rejection(sealKey(USER_KEY, 'user-a', other, 'm'))
      expect(missing.code).toBe('kek_denied')
      expect(missing.message).toContain('BYOK_KMS_KEY_NAME')
    } finally {
      await other.close()
    }
  })
})
