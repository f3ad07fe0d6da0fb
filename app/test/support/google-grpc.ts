/** Loads a Google Cloud gRPC service from the protos its real client package ships, for wire-level fakes. */
import { createRequire } from 'node:module'
import path from 'node:path'
import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'

const require = createRequire(import.meta.url)
const loaded = new Map<string, grpc.ServiceDefinition>()

/**
 * The service `servicePath` (e.g. `google.cloud.kms.v1.KeyManagementService`) from `protoFile` of the client
 * package `clientPackage`, with google-gax's protos (google/api, google/protobuf, ...) resolved from that
 * client's own dependency. Loaded once per service.
 */
export function googleServiceDefinition(clientPackage: string, protoFile: string, servicePath: string): grpc.ServiceDefinition {
  const known = loaded.get(servicePath)
  if (known) return known
  const pkg = require.resolve(`${clientPackage}/package.json`)
  // google-gax's "exports" hide its package.json, so go up from its main file to the package directory.
  const gaxMain = createRequire(pkg).resolve('google-gax')
  const marker = `${path.sep}google-gax${path.sep}`
  const gaxProtos = path.join(gaxMain.slice(0, gaxMain.lastIndexOf(marker) + marker.length), 'build', 'protos')
  const definition = protoLoader.loadSync(protoFile, {
    includeDirs: [path.join(path.dirname(pkg), 'build', 'protos'), gaxProtos],
    keepCase: false,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
  })
  let node: unknown = grpc.loadPackageDefinition(definition)
  for (const part of servicePath.split('.')) node = (node as Record<string, unknown>)[part]
  const service = (node as grpc.ServiceClientConstructor).service
  loaded.set(servicePath, service)
  return service
}
