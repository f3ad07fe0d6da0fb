/** A KEK held by Cloud KMS: data keys are wrapped and unwrapped by its Encrypt/Decrypt calls; the key never leaves KMS. */
// Only the type at load: the client (~13 MB of heap) is imported when BYOK with Cloud KMS is configured.
import type { KeyManagementServiceClient } from '@google-cloud/kms'
import { KekError, type KeyEncryptionKey } from './kek.js'

type ClientOptions = NonNullable<ConstructorParameters<typeof KeyManagementServiceClient>[0]>

export interface KmsKekOptions {
  /** projects/P/locations/L/keyRings/R/cryptoKeys/K (BYOK_KMS_KEY_NAME). */
  keyName: string
  /** `host:port` of a local server spoken to without TLS or Google credentials (tests, emulators). */
  endpoint?: string | undefined
  /** Deadline of one call, retries included. Default 5 000 ms. */
  timeoutMs?: number
}

export interface KmsKek extends KeyEncryptionKey {
  close(): Promise<void>
}

export const KMS_KEY_NAME = /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/

export async function createKmsKek(options: KmsKekOptions): Promise<KmsKek> {
  if (!KMS_KEY_NAME.test(options.keyName)) throw new Error('BYOK_KMS_KEY_NAME must look like projects/P/locations/L/keyRings/R/cryptoKeys/K')
  const timeoutMs = options.timeoutMs ?? 5_000
  const { KeyManagementServiceClient } = await import('@google-cloud/kms')
  const client = new KeyManagementServiceClient(await clientOptions(options.endpoint))
  silenceClientLog(client)
  const name = options.keyName

  async function call<T>(what: 'wrap' | 'unwrap', run: () => Promise<T>): Promise<T> {
    try {
      return await withDeadline(run(), timeoutMs)
    } catch (error) {
      throw toKekError(error, what, name)
    }
  }

  return {
    kind: 'kms',
    id: name,
    async wrap(dataKey, aad) {
      const [response] = await call('wrap', () => client.encrypt({ name, plaintext: dataKey, additionalAuthenticatedData: aad }, { timeout: timeoutMs }))
      if (!response.ciphertext || response.ciphertext.length === 0) throw new KekError('kek_unavailable', 'Cloud KMS returned no ciphertext')
      return Buffer.from(response.ciphertext as Uint8Array)
    },
    async unwrap(wrapped, aad) {
      const [response] = await call('unwrap', () => client.decrypt({ name, ciphertext: wrapped, additionalAuthenticatedData: aad }, { timeout: timeoutMs }))
      if (!response.plaintext) throw new KekError('kek_unavailable', 'Cloud KMS returned no plaintext')
      return Buffer.from(response.plaintext as Uint8Array)
    },
    close: () => client.close().catch(() => {}),
  }
}

async function clientOptions(endpoint: string | undefined): Promise<ClientOptions> {
  if (!endpoint) return {}
  const [host, port] = endpoint.split(':')
  const grpc = await import('@grpc/grpc-js')
  // Insecure channel credentials mean no token is ever asked for; naming the universe skips the ADC lookup
  // that google-gax would otherwise make to compare universes (see config/secret-manager.ts).
  return { apiEndpoint: host!, port: Number(port), sslCreds: grpc.credentials.createInsecure(), universeDomain: 'googleapis.com' }
}

/** The generated client may log payloads (GOOGLE_SDK_NODE_LOGGING); a data key must never reach a log. */
function silenceClientLog(client: KeyManagementServiceClient): void {
  const noop = (): void => {}
  const silent: object = Object.assign(() => {}, { enabled: false, info: noop, warn: noop, error: noop, debug: noop, sublog: (): object => silent })
  Reflect.set(client, '_log', silent)
}

class DeadlineError extends Error {
  readonly code = 4
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`no answer within ${ms} ms`)), ms)
  })
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer))
}

/** gRPC status -> a KekError whose sentence says what to do; never the payload. */
function toKekError(error: unknown, what: 'wrap' | 'unwrap', keyName: string): KekError {
  const code = typeof (error as { code?: unknown })?.code === 'number' ? (error as { code: number }).code : undefined
  if (code === 7 || code === 16) {
    return new KekError('kek_denied', `Cloud KMS refused to ${what === 'wrap' ? 'encrypt with' : 'decrypt with'} ${keyName}; grant roles/cloudkms.cryptoKeyEncrypterDecrypter on that key to the service account`)
  }
  if (code === 3 && what === 'unwrap') return new KekError('kek_rejected', 'Cloud KMS could not decrypt the stored data key (it was sealed for another key or user)')
  if (code === 5 || code === 9) return new KekError('kek_denied', `Cloud KMS key ${keyName} is missing or disabled; check BYOK_KMS_KEY_NAME and the key's primary version`)
  return new KekError('kek_unavailable', `Cloud KMS is unreachable or failing (${code === undefined ? 'no status' : `gRPC status ${code}`}); try again shortly`)
}
