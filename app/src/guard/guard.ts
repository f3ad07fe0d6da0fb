/** The guardrails as the transports see them: who is this, may they connect, may they ask. */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { AnswerLease } from '../chat/start-request.js'
import type { Authenticator, Identity } from './auth.js'
import { clientIp } from './client-ip.js'
import { extractCredential } from './credentials.js'
import { isRefusal, type Limiter, type Refusal, type Slot } from './limits.js'

/** The part of a request the guard reads (a Hono Context fits). */
export interface GuardedRequest {
  req: { header(name: string): string | undefined; query(name: string): string | undefined }
  env: unknown
}

export interface Admission {
  identity: Identity
  /** What limits are counted against: the user, or the client address when anonymous. */
  key: string
}

/** A refused admission: no or a bad credential (401), or a connection limit (429). */
export interface AdmissionRefusal {
  status: 401 | 429
  code: 'unauthorized' | 'rate_limited'
  error: string
  retryAfter?: number
  limit?: string
}

export interface Guard {
  /** Authenticates an HTTP request (SSE chat, resume, stats). */
  admit(c: GuardedRequest): Promise<Admission | AdmissionRefusal>
  /** Authenticates a WebSocket upgrade and applies the connection limits; the slot is freed on close. */
  admitSocket(c: GuardedRequest): Promise<(Admission & { slot: Slot }) | AdmissionRefusal>
  /**
   * Applies the per-chat limits (rate, budget, concurrent answers). The lease holds the concurrent-answer
   * slot; the answer ends it, which frees the slot and counts the answer's tokens against `key`'s budget.
   * `ownKey`: the answer runs on the user's own key, so the budget is neither checked nor spent (rate limits still apply).
   */
  beforeChat(key: string, options?: { ownKey?: boolean }): Promise<AnswerLease | Refusal>
}

export const isAdmissionRefusal = (value: unknown): value is AdmissionRefusal => typeof value === 'object' && value !== null && 'status' in value && 'code' in value

export interface GuardOptions {
  authenticate: Authenticator
  limiter: Limiter
  trustedProxyHops: number
  onRefused?(limit: string): void
  onAuthRefused?(transport: string): void
}

export function createGuard(options: GuardOptions): Guard {
  const { authenticate, limiter } = options

  const refuse = (refusal: Refusal): AdmissionRefusal => {
    options.onRefused?.(refusal.limit)
    return { status: 429, code: 'rate_limited', error: refusal.error, retryAfter: refusal.retryAfter, limit: refusal.limit }
  }

  async function admit(c: GuardedRequest, transport = 'http'): Promise<Admission | AdmissionRefusal> {
    const credential = extractCredential({ header: (name) => c.req.header(name), query: (name) => c.req.query(name) })
    // The request's headers too: AUTH_MODE=gateway reads the user from the one the gateway sets.
    const result = await authenticate(credential, { header: (name) => c.req.header(name) })
    if (!result.ok) {
      options.onAuthRefused?.(transport)
      return { status: 401, code: 'unauthorized', error: result.error }
    }
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
    const ip = clientIp(incoming?.socket.remoteAddress, c.req.header('x-forwarded-for'), options.trustedProxyHops)
    return { identity: result.identity, key: result.identity.userId ? `user:${result.identity.userId}` : `ip:${ip}` }
  }

  return {
    admit,
    async admitSocket(c) {
      const admission = await admit(c, 'websocket')
      if (isAdmissionRefusal(admission)) return admission
      const connections = await limiter.hit(admission.key, 'connections')
      if (connections) return refuse(connections)
      const slot = await limiter.acquire(admission.key, 'sockets')
      if (isRefusal(slot)) return refuse(slot)
      return { ...admission, slot }
    },
    async beforeChat(key, chat = {}) {
      const refusal = (await limiter.hit(key, 'chats')) ?? (chat.ownKey ? undefined : await limiter.checkSpend(key))
      if (refusal) {
        options.onRefused?.(refusal.limit)
        return refusal
      }
      const slot = await limiter.acquire(key, 'concurrent_answers')
      if (isRefusal(slot)) {
        options.onRefused?.(slot.limit)
        return slot
      }
      return leaseOf(key, slot, !chat.ownKey)
    },
  }

  /** Ends once: a second end (a bug elsewhere) must not free a slot twice or bill twice. */
  function leaseOf(key: string, slot: Slot, spends: boolean): AnswerLease {
    let ended = false
    return {
      end(usage) {
        if (ended) return
        ended = true
        slot.release()
        if (spends && usage.totalTokens > 0) limiter.spend(key, usage.totalTokens).catch(() => {}) // a limiter store outage must not stop answers
      },
    }
  }
}

/** Constant-time check of an operator token (ADMIN_TOKEN, METRICS_TOKEN) sent as a Bearer credential. */
export function operatorTokenMatches(expected: string, c: GuardedRequest): boolean {
  const sent = extractCredential({ header: (name) => c.req.header(name), query: () => undefined })
  if (!sent) return false
  const digest = (v: string) => createHash('sha256').update(v).digest()
  return timingSafeEqual(digest(expected), digest(sent))
}
