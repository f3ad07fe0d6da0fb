/**
 * The one way every transport starts an answer: the per-chat limits and budget, then the answer service.
 * The answer holds the lease (its slot and spend) and ends it whatever the path; transports never see a slot.
 */
import type { Answer } from '../chat/answer.js'
import type { AnswerService, StartRequest } from '../chat/answer-service.js'
import { ZERO_USAGE } from '../chat/start-request.js'
import type { ErrorCode } from '../protocol/frames.js'
import type { Admission, Guard } from './guard.js'
import { isRefusal } from './limits.js'
import { UserKeyError } from '../keys/user-keys.js'
import type { LlmClient } from '../llm/client.js'
import type { UserClientFactory } from '../llm/user-client.js'

/** A start that did not happen: the code and sentence clients see, and when to try again. */
export interface StartDenial {
  ok: false
  code: ErrorCode
  error: string
  messageId?: string
  retryAfter?: number
  /** The limit that refused it, for a 429. */
  limit?: string
}

export type GuardedStartResult = { ok: true; answer: Answer } | StartDenial

export interface GuardedStartOptions {
  /**
   * Asked after the limits, before the answer starts: true when the client left meanwhile (its socket
   * closed during admission). Nothing then starts and the slot goes back.
   */
  abandoned?(): boolean
}

/** The request as a transport parsed it; who asks and what holds the slot come from the admission. */
export type TransportRequest = Omit<StartRequest, 'userId' | 'lease' | 'llm'>

export type GuardedStart = (admission: Admission, request: TransportRequest, options?: GuardedStartOptions) => Promise<GuardedStartResult>

/** The code of a start that was abandoned by its client (never sent: nobody listens). */
export const ABANDONED: StartDenial = { ok: false, code: 'unavailable', error: 'The client left before the answer started' }

export function createGuardedStart(guard: Pick<Guard, 'beforeChat'>, answers: Pick<AnswerService, 'start'>, userClients?: UserClientFactory): GuardedStart {
  return async function startGuardedAnswer(admission, request, options = {}) {
    const messageId = request.messageId ? { messageId: request.messageId } : {}
    const ownKey = request.useCustomKey === true
    const userId = admission.identity.userId
    if (ownKey && userId === undefined) return { ok: false, code: 'unauthorized', error: 'useCustomKey needs a signed-in user: your own key is stored per user', ...messageId }
    if (ownKey && !userClients) return { ok: false, code: 'invalid_message', error: "useCustomKey is not available: users' own keys are not enabled on this server", ...messageId }
    // Rate limits apply to every answer; the token budget only to answers the operator pays for.
    const lease = await guard.beforeChat(admission.key, { ownKey })
    if (isRefusal(lease)) return { ok: false, code: 'rate_limited', error: lease.error, retryAfter: lease.retryAfter, limit: lease.limit, ...messageId }
    let llm: LlmClient | undefined
    if (ownKey) {
      try {
        llm = await userClients!(userId!, request.model)
      } catch (error) {
        lease.end(ZERO_USAGE)
        if (error instanceof UserKeyError) return { ok: false, code: error.wireCode, error: error.message, ...messageId }
        throw error
      }
    }
    if (options.abandoned?.()) {
      lease.end(ZERO_USAGE)
      return ABANDONED
    }
    const result = await answers.start({ ...request, userId, lease, ...(llm ? { llm } : {}) })
    if (result.ok) return result
    return { ok: false, code: result.code, error: result.error, ...(result.messageId ? { messageId: result.messageId } : {}), ...(result.retryAfter ? { retryAfter: result.retryAfter } : {}) }
  }
}
