/** Errors in OpenAI's shape and status, so the SDKs raise their usual exceptions (AuthenticationError, RateLimitError...). */
import type { AdmissionRefusal } from '../../guard/guard.js'
import type { StartDenial } from '../../guard/guarded-start.js'
import type { ErrorCode } from '../../protocol/frames.js'

export interface OpenAiError {
  status: 400 | 401 | 403 | 404 | 413 | 415 | 429 | 500 | 502 | 503 | 504
  message: string
  type: string
  code: string | null
  param?: string | undefined
  retryAfter?: number | undefined
  /** False when retrying soon cannot help (the daily budget): the SDKs then do not retry on their own. */
  retryable?: boolean
}

export const invalidRequest = (message: string, param?: string): OpenAiError => ({ status: 400, message, type: 'invalid_request_error', code: 'invalid_value', param })

export const modelNotFound = (model: string, offered: string): OpenAiError => ({
  status: 404,
  message: `The model ${JSON.stringify(model)} does not exist here; use ${JSON.stringify(offered)} (see GET /v1/models)`,
  type: 'invalid_request_error',
  code: 'model_not_found',
  param: 'model',
})

export function fromDenial(denial: AdmissionRefusal): OpenAiError {
  if (denial.status === 401) return { status: 401, message: denial.error, type: 'invalid_request_error', code: 'invalid_api_key' }
  return rateLimited(denial.error, denial.retryAfter, denial.limit)
}

function rateLimited(message: string, retryAfter: number | undefined, limit: string | undefined): OpenAiError {
  // OpenAI tells a spent budget (insufficient_quota) from a rate (rate_limit_exceeded); so do we.
  if (limit === 'daily_tokens') return { status: 429, message, type: 'insufficient_quota', code: 'insufficient_quota', retryAfter, retryable: false }
  return { status: 429, message, type: 'requests', code: 'rate_limit_exceeded', retryAfter }
}

const BY_CODE: Partial<Record<ErrorCode, Pick<OpenAiError, 'status' | 'type'>>> = {
  invalid_message: { status: 400, type: 'invalid_request_error' },
  forbidden: { status: 403, type: 'invalid_request_error' },
  rate_limited: { status: 429, type: 'requests' },
  unavailable: { status: 503, type: 'server_error' },
  llm_unconfigured: { status: 503, type: 'server_error' },
  shutting_down: { status: 503, type: 'server_error' },
  upstream_error: { status: 502, type: 'server_error' },
  upstream_timeout: { status: 504, type: 'server_error' },
  slow_consumer: { status: 400, type: 'invalid_request_error' },
}

/** A refused start, or an answer that failed before its first token. */
export function fromCode(code: ErrorCode, message: string, retryAfter?: number): OpenAiError {
  // The model provider limiting the server's key is the service being overloaded, not the caller's limit.
  if (code === 'rate_limited') return { status: 503, message, type: 'server_error', code: 'upstream_rate_limited', retryAfter }
  const known = BY_CODE[code] ?? { status: 500, type: 'server_error' }
  return { ...known, message, code, retryAfter }
}

/** A start that did not happen (limits, budget, busy, ...). */
export const fromRefused = (refused: Pick<StartDenial, 'code' | 'error' | 'retryAfter' | 'limit'> & { ok?: false }): OpenAiError =>
  refused.code === 'rate_limited' ? rateLimited(refused.error, refused.retryAfter, refused.limit) : fromCode(refused.code, refused.error, refused.retryAfter)

export function errorBody(error: OpenAiError): { error: { message: string; type: string; code: string | null; param: string | null } } {
  return { error: { message: error.message, type: error.type, code: error.code, param: error.param ?? null } }
}

export function errorResponse(error: OpenAiError): Response {
  const headers: Record<string, string> = {}
  if (error.status === 401) headers['www-authenticate'] = 'Bearer'
  if (error.retryAfter !== undefined) headers['retry-after'] = String(error.retryAfter)
  // The SDKs honour this header over their own retry policy.
  if (error.retryable === false) headers['x-should-retry'] = 'false'
  return Response.json(errorBody(error), { status: error.status, headers })
}
