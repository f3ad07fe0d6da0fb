/**
 * One streamed POST to a model endpoint on node:http(s): the request built by hand (headers and URL prepared
 * once per client), the response body handed back as the Node stream our SSE parser reads. No SDK request
 * pipeline, no fetch, no web streams: per answer that pipeline cost more CPU than relaying the answer's
 * tokens (docs/benchmarks.md). Error statuses come back as `UpstreamStatusError` (the body is drained, never
 * shown: it may echo the request), network failures as `UpstreamConnectionError`, an abort as the signal's reason.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import type { RequestBody } from './request-body.js'

/** One pool per process: users' own keys (a client per answer) reuse the connections too. */
const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) }

/** The provider answered with a status other than 2xx. */
export class UpstreamStatusError extends Error {
  override name = 'UpstreamStatusError'
  constructor(
    readonly status: number,
    /** Seconds, from a numeric Retry-After header. */
    readonly retryAfter: number | undefined,
  ) {
    super(`HTTP ${status}`)
  }
}

/** The request never got a response: refused, reset, DNS, TLS. */
export class UpstreamConnectionError extends Error {
  override name = 'UpstreamConnectionError'
}

export interface UpstreamEndpoint {
  url: URL
  https: boolean
}

/** `{baseURL}/chat/completions`, parsed once (a base URL's own path is kept, as the SDKs do). */
export function chatCompletionsEndpoint(baseURL: string): UpstreamEndpoint {
  const url = new URL(`${baseURL.replace(/\/+$/, '')}/chat/completions`)
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`The model endpoint must be http or https, not ${url.protocol}`)
  return { url, https: url.protocol === 'https:' }
}

/** Error bodies are read to free the connection, up to this much, then the connection is dropped. */
const MAX_ERROR_BODY = 64 * 1024

/** POSTs `body` (JSON, in pieces) and resolves with the response stream once a 2xx status arrives. */
export function postForStream(endpoint: UpstreamEndpoint, authorization: string, body: RequestBody, signal: AbortSignal): Promise<IncomingMessage> {
  if (signal.aborted) return Promise.reject(abortReason(signal))
  const headers: OutgoingHttpHeaders = {
    'content-type': 'application/json',
    accept: 'text/event-stream',
    authorization,
    'content-length': body.length,
  }
  const request = (endpoint.https ? httpsRequest : httpRequest)(endpoint.url, { method: 'POST', headers, agent: endpoint.https ? agents.https : agents.http })
  const response = responseOf(request, signal)
  // Pieces written before the socket is assigned leave together in one writev, each Buffer uncopied.
  const { pieces } = body
  for (let i = 0; i < pieces.length - 1; i++) request.write(pieces[i])
  request.end(pieces[pieces.length - 1])
  return response
}

/**
 * The response of a request already sent. Apart from `postForStream` so that its listeners, which live as long
 * as the answer, do not hold the request body (with grounding, ~10-20 KB per answer in flight) in their scope.
 */
function responseOf(request: ClientRequest, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise<IncomingMessage>((resolve, reject) => {
    let response: IncomingMessage | undefined
    const onAbort = () => {
      request.destroy()
      response?.destroy()
      reject(abortReason(signal))
    }
    signal.addEventListener('abort', onAbort, { once: true })
    const forget = () => signal.removeEventListener('abort', onAbort)
    request.on('error', (error) => {
      forget()
      reject(signal.aborted ? abortReason(signal) : new UpstreamConnectionError(error.message, { cause: error }))
    })
    request.on('response', function onResponse(res) {
      response = res
      res.once('close', forget)
      const status = res.statusCode ?? 0
      if (status >= 200 && status < 300) return resolve(res)
      drain(res)
      reject(new UpstreamStatusError(status, retryAfterSeconds(res.headers['retry-after'])))
    })
  })
}

/** The signal's reason (a DOMException unless the caller gave its own Error). */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason
  return reason instanceof Error ? reason : new Error('The request was aborted', { cause: reason })
}

function drain(res: IncomingMessage): void {
  let read = 0
  res.on('data', (chunk: Buffer) => {
    if ((read += chunk.length) > MAX_ERROR_BODY) res.destroy()
  })
  res.on('error', () => {})
}

function retryAfterSeconds(header: string | undefined): number | undefined {
  const seconds = Number(header)
  return header !== undefined && Number.isFinite(seconds) && seconds > 0 ? seconds : undefined
}
