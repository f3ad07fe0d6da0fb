/** Refusals before an AI SDK stream starts: this server's `{ code, error }` plus the Playground's `{ reason, message, statusCode }`. */
import type { ErrorCode } from '../../protocol/frames.js'
import { httpError, type HttpErrorOptions } from '../http-error.js'

/**
 * The Playground's frontend reads `reason`, `message` and `statusCode` (and `details`); this server's clients
 * read `code` and `error`. Both are in every refusal of the AI SDK path; `reason` is the stable code.
 */
export async function playgroundError(code: ErrorCode, error: string, options: HttpErrorOptions & { field?: string } = {}): Promise<Response> {
  const { field, ...rest } = options
  const plain = httpError(code, error, rest)
  const body = (await plain.json()) as Record<string, unknown>
  const details = field ? { details: { field } } : {}
  return Response.json({ ...body, reason: code, message: error, statusCode: plain.status, ...details }, { status: plain.status, headers: plain.headers })
}

/** An already built refusal (a guard's 401 or 429) with the Playground's fields added. */
export async function withPlaygroundFields(response: Response): Promise<Response> {
  const body = (await response.json()) as { code: ErrorCode; error: string }
  return Response.json({ ...body, reason: body.code, message: body.error, statusCode: response.status }, { status: response.status, headers: response.headers })
}
