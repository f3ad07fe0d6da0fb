/**
 * A real gRPC server speaking google.cloud.kms.v1.KeyManagementService (Encrypt and Decrypt, the rest
 * UNIMPLEMENTED), built from the .proto files the `@google-cloud/kms` package ships, for tests of the real
 * client. It really encrypts: AES-256-GCM under a key of its own per CryptoKey, with the request's AAD, so a
 * wrong key name or AAD fails as Cloud KMS fails (INVALID_ARGUMENT). Listens on 127.0.0.1, plaintext.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import * as grpc from '@grpc/grpc-js'
import { googleServiceDefinition } from './google-grpc.js'




export interface KmsCall {
  method: 'encrypt' | 'decrypt'
  name: string
  /** Length of the plaintext sent to Encrypt: a data key is 32 bytes; a user's key would be longer. */
  plaintextBytes?: number
  aadBytes: number
  authorization: string | undefined
}

export interface FakeKms {
  /** `127.0.0.1:port`, for BYOK_KMS_ENDPOINT. */
  endpoint: string
  calls: KmsCall[]
  /** Every call answers UNAVAILABLE until `restore()`. */
  outage(): void
  /** Every call answers PERMISSION_DENIED until `restore()`. */
  deny(): void
  restore(): void
  close(): Promise<void>
}

interface EncryptRequest {
  name: string
  plaintext: Buffer
  additionalAuthenticatedData?: Buffer
}
interface DecryptRequest {
  name: string
  ciphertext: Buffer
  additionalAuthenticatedData?: Buffer
}

const serviceDefinition = () => googleServiceDefinition('@google-cloud/kms', 'google/cloud/kms/v1/service.proto', 'google.cloud.kms.v1.KeyManagementService')

/** `keyNames`: the CryptoKeys that exist; any other name answers NOT_FOUND. */
export async function startFakeKms(keyNames: string[]): Promise<FakeKms> {
  const keys = new Map(keyNames.map((name) => [name, randomBytes(32)]))
  const calls: KmsCall[] = []
  let failure: { code: grpc.status; details: string } | undefined

  const precheck = (name: string): { code: grpc.status; details: string } | undefined => {
    if (failure) return failure
    if (!keys.has(name)) return { code: grpc.status.NOT_FOUND, details: `CryptoKey ${name} not found.` }
    return undefined
  }

  const encrypt: grpc.handleUnaryCall<EncryptRequest, { name: string; ciphertext: Buffer }> = (call, callback) => {
    const { name, plaintext } = call.request
    const aad = call.request.additionalAuthenticatedData ?? Buffer.alloc(0)
    calls.push({ method: 'encrypt', name, plaintextBytes: plaintext.length, aadBytes: aad.length, authorization: authOf(call.metadata) })
    const refused = precheck(name)
    if (refused) return callback(refused)
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', keys.get(name)!, iv)
    cipher.setAAD(aad)
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()])
    callback(null, { name: `${name}/cryptoKeyVersions/1`, ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]) })
  }

  const decrypt: grpc.handleUnaryCall<DecryptRequest, { plaintext: Buffer }> = (call, callback) => {
    const { name, ciphertext } = call.request
    const aad = call.request.additionalAuthenticatedData ?? Buffer.alloc(0)
    calls.push({ method: 'decrypt', name, aadBytes: aad.length, authorization: authOf(call.metadata) })
    const refused = precheck(name)
    if (refused) return callback(refused)
    try {
      const decipher = createDecipheriv('aes-256-gcm', keys.get(name)!, ciphertext.subarray(0, 12))
      decipher.setAAD(aad)
      decipher.setAuthTag(ciphertext.subarray(12, 28))
      callback(null, { plaintext: Buffer.concat([decipher.update(ciphertext.subarray(28)), decipher.final()]) })
    } catch {
      callback({ code: grpc.status.INVALID_ARGUMENT, details: 'Decryption failed: the ciphertext is invalid.' })
    }
  }

  const server = new grpc.Server()
  server.addService(serviceDefinition(), { encrypt, decrypt })
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)))
  })
  return {
    endpoint: `127.0.0.1:${port}`,
    calls,
    outage: () => void (failure = { code: grpc.status.UNAVAILABLE, details: 'The service is currently unavailable.' }),
    deny: () => void (failure = { code: grpc.status.PERMISSION_DENIED, details: "Permission 'cloudkms.cryptoKeyVersions.useToEncrypt' denied." }),
    restore: () => void (failure = undefined),
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve())
        setTimeout(() => {
          server.forceShutdown()
          resolve()
        }, 500).unref()
      }),
  }
}

function authOf(metadata: grpc.Metadata): string | undefined {
  const value = metadata.get('authorization')[0]
  return value === undefined ? undefined : String(value)
}
