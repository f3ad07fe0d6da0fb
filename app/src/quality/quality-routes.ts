/** Feedback on an answer (its owner, once, rate-limited) and the operator's quality report (behind ADMIN_TOKEN). */
import { Hono } from 'hono'
import { z } from 'zod'
import { isAdmissionRefusal, operatorTokenMatches, type Guard } from '../guard/guard.js'
import { describeIssues, IdSchema } from '../protocol/frames.js'
import { httpError, refusalResponse } from '../transport/http-error.js'
import { buildQualityReport } from './quality-report.js'
import { FEEDBACK_REASONS, type QualityStore } from './quality-store.js'

export const FeedbackSchema = z.object({
  rating: z.enum(['up', 'down'], { error: 'must be "up" or "down"' }),
  reason: z.enum(FEEDBACK_REASONS, { error: `must be one of ${FEEDBACK_REASONS.join(', ')}` }).optional(),
  comment: z.string({ error: 'must be a string' }).max(1000, { message: 'must be at most 1000 characters' }).optional(),
})

export interface QualityRouteDeps {
  store: QualityStore
  guard: Guard
  adminToken: string | undefined
  /** LOG_CONTENT: a comment is the user's text, kept only when content may be. */
  logContent: boolean
  /** Feedback requests per client key and minute. */
  feedbackPerMinute: number
  /** The store failed (Redis unreachable): the client gets 503 with a sentence, the operator the error. */
  onStoreError?: (err: unknown, operation: 'feedback' | 'report') => void
  now?: () => number
}

const MINUTE = 60_000
const DAY = 86_400_000
const STORE_DOWN = 'The quality store (Redis) is unreachable; try again shortly'

export function qualityRoutes(deps: QualityRouteDeps): Hono {
  const app = new Hono()
  const now = deps.now ?? Date.now
  const allowFeedback = fixedWindow(deps.feedbackPerMinute, MINUTE, now)

  app.post('/api/playground/assistant/answers/:messageId/feedback', async (c) => {
    const admission = await deps.guard.admit(c)
    if (isAdmissionRefusal(admission)) return refusalResponse(admission)
    const retryAfter = allowFeedback(admission.key)
    if (retryAfter) return httpError('rate_limited', `At most ${deps.feedbackPerMinute} ratings a minute; try again in ${retryAfter} s`, { extra: { retryAfter } })
    const id = IdSchema.safeParse(c.req.param('messageId'))
    if (!id.success) return httpError('invalid_message', `messageId ${describeIssues(id.error)}`)
    const body: unknown = await c.req.json().catch(() => undefined)
    const parsed = FeedbackSchema.safeParse(body)
    if (!parsed.success) return httpError('invalid_message', `Invalid feedback: ${describeIssues(parsed.error)}; send {"rating":"up"|"down","reason"?,"comment"?}`)
    const { rating, reason, comment } = parsed.data
    const feedback = { rating, ...(reason ? { reason } : {}), ...(comment && deps.logContent ? { comment } : {}) }
    const result = await deps.store.feedback(id.data, admission.identity.userId, feedback).catch((err: unknown) => {
      deps.onStoreError?.(err, 'feedback')
      return undefined
    })
    if (!result) return httpError('unavailable', STORE_DOWN, { extra: { retryAfter: 5 } })
    switch (result) {
      case 'saved':
        return c.json({ messageId: id.data, rating }, 201)
      case 'already_rated':
        return httpError('invalid_message', `Answer ${id.data} is already rated; an answer takes one rating`, { status: 409 })
      // Someone else's answer looks like an unknown one: its existence is not revealed.
      case 'forbidden':
      case 'unknown_answer':
        return httpError('unknown_answer', `No answer ${id.data} to rate (unknown, not yours, or older than the history kept)`)
    }
  })

  app.get('/api/admin/quality', async (c) => {
    // Without ADMIN_TOKEN no credential can match: 401 like a wrong token, and the sentence says what the operator must set.
    if (!deps.adminToken) return httpError('unauthorized', 'The quality report needs ADMIN_TOKEN to be set on the server, then Authorization: Bearer <ADMIN_TOKEN>')
    if (!operatorTokenMatches(deps.adminToken, c)) return httpError('unauthorized', 'This endpoint needs the admin token: Authorization: Bearer <ADMIN_TOKEN>')
    const hours = c.req.query('hours') ?? '24'
    if (!/^\d{1,4}$/.test(hours) || Number(hours) < 1) return httpError('invalid_message', 'hours must be a whole number from 1 to 9999, e.g. ?hours=24')
    const sinceMs = Math.min(Number(hours) * 3_600_000, 366 * DAY)
    const records = await deps.store.recent(sinceMs).catch((err: unknown) => {
      deps.onStoreError?.(err, 'report')
      return undefined
    })
    if (!records) return httpError('unavailable', STORE_DOWN, { extra: { retryAfter: 5 } })
    return c.json(buildQualityReport(records, sinceMs, now()))
  })
  return app
}

/** A count per key per window; returns the seconds to wait when over, else 0. Keys expire with their window. */
function fixedWindow(limit: number, windowMs: number, now: () => number): (key: string) => number {
  const windows = new Map<string, { start: number; count: number }>()
  return function allow(key) {
    const at = now()
    for (const [k, w] of windows) {
      if (at - w.start < windowMs) break
      windows.delete(k)
    }
    let window = windows.get(key)
    if (!window || at - window.start >= windowMs) {
      windows.delete(key)
      window = { start: at, count: 0 }
      windows.set(key, window)
    }
    if (window.count >= limit) return Math.max(1, Math.ceil((window.start + windowMs - at) / 1000))
    window.count++
    return 0
  }
}
