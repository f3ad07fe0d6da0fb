/** Where a client may put its credential: Authorization header, a WebSocket subprotocol entry, or ?token=. */

/** The subprotocol a browser offers before its token: `new WebSocket(url, ['bearer', token])`. */
export const BEARER_PROTOCOL = 'bearer'

export interface CredentialSource {
  header(name: string): string | undefined
  query(name: string): string | undefined
}

/** Finds the credential, preferring the header, then the subprotocol entry, then the query (least safe: it lands in access logs). */
export function extractCredential(source: CredentialSource): string | undefined {
  const authorization = source.header('authorization')
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization)
    return match?.[1]
  }
  const protocols = source.header('sec-websocket-protocol')
  if (protocols) {
    const entries = protocols.split(',').map((p) => p.trim())
    const at = entries.indexOf(BEARER_PROTOCOL)
    if (at !== -1 && entries[at + 1]) return entries[at + 1]
  }
  return source.query('token') || undefined
}
