/**
 * A local stand-in for the Google Cloud metadata server: the service account token endpoint, answering only
 * requests that carry `Metadata-Flavor: Google` and answering with that header, with tokens numbered
 * token-1, token-2, ... that expire after `lifetimeS`. Point GCE_METADATA_HOST at `host`.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeMetadataOptions {
  /** expires_in of each token, seconds. Default 3599 (as Google's). */
  lifetimeS?: number
}

export interface FakeMetadata {
  /** `127.0.0.1:port`, for GCE_METADATA_HOST. */
  host: string
  /** Tokens issued so far, in order. */
  issued: string[]
  /** Requests refused for lacking the Metadata-Flavor header. */
  refusedWithoutFlavor: number
  /** Answer 500 to token requests until `restore()`. */
  fail(): void
  restore(): void
  close(): Promise<void>
}

const TOKEN_PATH = '/computeMetadata/v1/instance/service-accounts/default/token'

export async function startFakeMetadata(options: FakeMetadataOptions = {}): Promise<FakeMetadata> {
  const lifetimeS = options.lifetimeS ?? 3599
  let failing = false
  const state: FakeMetadata = {
    host: '',
    issued: [],
    refusedWithoutFlavor: 0,
    fail: () => void (failing = true),
    restore: () => void (failing = false),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
  const server = createServer((req, res) => {
    const headers = { 'metadata-flavor': 'Google', 'content-type': 'application/json' }
    if (req.headers['metadata-flavor'] !== 'Google') {
      state.refusedWithoutFlavor++
      return void res.writeHead(403, headers).end('Missing Metadata-Flavor:Google header.')
    }
    const path = req.url?.split('?')[0]
    // google-auth-library probes the root to tell whether it runs on Google Cloud.
    if (path === '/' || path === '/computeMetadata/v1/instance' || path === '/computeMetadata/v1/instance/') return void res.writeHead(200, headers).end('{}')
    if (path === '/computeMetadata/v1/project/project-id') return void res.writeHead(200, { ...headers, 'content-type': 'text/plain' }).end('demo-project')
    if (path !== TOKEN_PATH) return void res.writeHead(404, headers).end('not found')
    if (failing) return void res.writeHead(500, headers).end('{"error":"internal"}')
    const token = `ya29.fake-token-${state.issued.length + 1}`
    state.issued.push(token)
    res.writeHead(200, headers).end(JSON.stringify({ access_token: token, expires_in: lifetimeS, token_type: 'Bearer' }))
  })
  server.keepAliveTimeout = 100
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.host = `127.0.0.1:${(server.address() as AddressInfo).port}`
  return state
}
