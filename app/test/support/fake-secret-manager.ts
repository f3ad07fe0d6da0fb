/**
 * A real gRPC server speaking google.cloud.secretmanager.v1.SecretManagerService,
 * built from the .proto files shipped in node_modules, for tests of the real
 * `@google-cloud/secret-manager` client. Only AccessSecretVersion is implemented
 * (others answer UNIMPLEMENTED). Listens on 127.0.0.1, plaintext.
 */
import * as grpc from '@grpc/grpc-js'
import { googleServiceDefinition } from './google-grpc.js'




export interface FakeSecretManagerOptions {
  /** Version names answered with PERMISSION_DENIED from the start. */
  deny?: string[]
  /** Delay before each answer, in ms (to test deadlines). */
  delayMs?: number
}

export interface AccessCall {
  name: string
  /** The `authorization` metadata the client sent, if any. */
  authorization: string | undefined
}

export interface FakeSecretManager {
  port: number
  /** Version names asked for, in order, one entry per AccessSecretVersion call. */
  calls: string[]
  /** Same calls with the metadata that matters. */
  requests: AccessCall[]
  /** Answer PERMISSION_DENIED for this version name from now on. */
  deny(name: string): void
  /** Answer `code` with `details` for this version name from now on. */
  fail(name: string, code: grpc.status, details: string): void
  close(): Promise<void>
}

interface AccessRequest {
  name: string
}

interface AccessResponse {
  name: string
  payload: { data: Buffer }
}

const serviceDefinition = () => googleServiceDefinition('@google-cloud/secret-manager', 'google/cloud/secretmanager/v1/service.proto', 'google.cloud.secretmanager.v1.SecretManagerService')

export async function startFakeSecretManager(secrets: Record<string, string>, opts: FakeSecretManagerOptions = {}): Promise<FakeSecretManager> {
  const values = new Map(Object.entries(secrets))
  const failures = new Map<string, { code: grpc.status; details: string }>()
  const calls: string[] = []
  const requests: AccessCall[] = []

  const deny = (name: string): void => {
    failures.set(name, {
      code: grpc.status.PERMISSION_DENIED,
      details: `Permission 'secretmanager.versions.access' denied for resource '${name}' (or it may not exist).`,
    })
  }
  for (const name of opts.deny ?? []) deny(name)

  const accessSecretVersion: grpc.handleUnaryCall<AccessRequest, AccessResponse> = (call, callback) => {
    const name = call.request.name
    calls.push(name)
    const auth = call.metadata.get('authorization')[0]
    requests.push({ name, authorization: auth === undefined ? undefined : String(auth) })
    const answer = (): void => {
      const failure = failures.get(name)
      if (failure) {
        callback({ code: failure.code, details: failure.details })
        return
      }
      const value = values.get(name)
      if (value === undefined) {
        const secret = name.replace(/\/versions\/[^/]+$/, '')
        callback({ code: grpc.status.NOT_FOUND, details: `Secret [${secret}] not found or has no versions.` })
        return
      }
      callback(null, { name, payload: { data: Buffer.from(value, 'utf8') } })
    }
    if (opts.delayMs) setTimeout(answer, opts.delayMs)
    else answer()
  }

  const server = new grpc.Server()
  server.addService(serviceDefinition(), { accessSecretVersion })
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, boundPort) => (err ? reject(err) : resolve(boundPort)))
  })

  return {
    port,
    calls,
    requests,
    deny,
    fail(name, code, details) {
      failures.set(name, { code, details })
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve())
        // Do not wait for clients that keep a channel open.
        setTimeout(() => {
          server.forceShutdown()
          resolve()
        }, 500).unref()
      }),
  }
}
