/**
 * A `fetch` for the openai SDK on node:http(s): the SDK still builds the request, authenticates, retries and
 * turns error statuses into its error classes, but a successful response's body stays a Node stream
 * (`rawBodyOf`), read raw by our SSE parser: no undici and no web streams per token. Error bodies are
 * small, so they are read whole into an ordinary Response for the SDK.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'

const rawBodies = new WeakMap<Response, IncomingMessage>()

/** The Node stream of a successful response made by an `httpFetch`, to read instead of `response.body`. */
export function rawBodyOf(response: Response): IncomingMessage | undefined {
  return rawBodies.get(response)
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error && signal.reason.name === 'AbortError' ? signal.reason : new DOMException('This operation was aborted', 'AbortError')
}

export function createHttpFetch(): typeof fetch {
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) }
  return function httpFetch(input, init = {}) {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url)
    const { signal, body } = init
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal))
      if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
        return reject(new TypeError('httpFetch sends string or byte bodies only'))
      }
      const https = url.protocol === 'https:'
      const request = (https ? httpsRequest : httpRequest)(url, {
        method: init.method ?? 'GET',
        headers: Object.fromEntries(new Headers(init.headers)),
        agent: https ? agents.https : agents.http,
      })
      let response: IncomingMessage | undefined
      const onAbort = () => {
        const error = abortError(signal!)
        request.destroy(error)
        response?.destroy(error)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      const done = () => signal?.removeEventListener('abort', onAbort)
      request.on('error', (error) => {
        done()
        reject(signal?.aborted ? abortError(signal) : new TypeError('fetch failed', { cause: error }))
      })
      request.on('response', (res) => {
        response = res
        res.once('close', done)
        const status = res.statusCode ?? 0
        const headers = new Headers()
        for (let i = 0; i < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!)
        if (status >= 200 && status < 300) {
          const ok = new Response(null, { status, headers })
          rawBodies.set(ok, res)
          return resolve(ok)
        }
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve(new Response(Buffer.concat(chunks), { status, headers })))
        res.on('error', (error) => reject(new TypeError('fetch failed', { cause: error })))
      })
      request.end(body ?? undefined)
    })
  }
}
