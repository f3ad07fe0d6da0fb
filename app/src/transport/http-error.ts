/** The one shape of every HTTP error: `{ type: 'error', code, error, ...extra }`, its status from the code. */
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AdmissionRefusal } from '../guard/guard.js'
import type { ErrorCode } from '../protocol/frames.js'

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  invalid_message: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  resume_unavailable: 404,
  unknown_answer: 404,
  busy: 409,
  method_not_allowed: 405,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  upstream_error: 502,
  unavailable: 503,
  llm_unconfigured: 503,
  shutting_down: 503,
  answer_interrupted: 503,
  upstream_timeout: 504,
  slow_consumer: 503,
}

export interface HttpErrorOptions {
  /** Only where the code's usual status does not fit (426 for a plain GET on a WebSocket endpoint). */
  status?: ContentfulStatusCode
  headers?: Record<string, string>
  /** Fields added to the body (messageId, retryAfter...); `retryAfter` also sets the Retry-After header. */
  extra?: Record<string, unknown>
}

export function httpError(code: ErrorCode, error: string, options: HttpErrorOptions = {}): Response {
  const extra = options.extra ?? {}
  const headers: Record<string, string> = { ...options.headers }
  if (typeof extra.retryAfter === 'number') headers['retry-after'] = String(extra.retryAfter)
  if (code === 'unauthorized') headers['www-authenticate'] ??= 'Bearer'
  return Response.json({ type: 'error', code, error, ...extra }, { status: options.status ?? STATUS[code], headers })
}

/** A refused admission (credential, connection limits) as an HTTP error. */
export function refusalResponse(refusal: AdmissionRefusal): Response {
  return httpError(refusal.code, refusal.error, refusal.retryAfter !== undefined ? { extra: { retryAfter: refusal.retryAfter } } : {})
}
