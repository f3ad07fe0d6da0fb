/**
 * Feedback and the quality report across two instances on one real redis-server: an answer produced on A is
 * rated through B, rated once only, and reported by either instance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { QualityReport } from '../src/quality/quality-report.js'
import { collectSse, postChat } from './support/sse-client.js'
import type { TestServer } from './support/server.js'
import { startTwoInstances, type TwoInstances } from './support/two-instances.js'

const TOKEN_A = 'token-of-user-a-0123456789'
const TOKEN_B = 'token-of-user-b-0123456789'
const ADMIN = 'admin-token-0123456789abcdef'
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

let both: TwoInstances | undefined
let a: TestServer
let b: TestServer

beforeAll(async () => {
  both = await startTwoInstances({ AUTH_MODE: 'token', API_TOKENS: `${TOKEN_A},${TOKEN_B}`, ADMIN_TOKEN: ADMIN, LOG_CONTENT: 'true' })
  ;({ a, b } = both)
})
afterAll(() => both?.close())

async function ask(srv: TestServer, content: string, messageId: string): Promise<void> {
  const res = await postChat(srv.http, { content, messageId }, bearer(TOKEN_A))
  expect(res.status).toBe(200)
  const events = await collectSse(res)
  expect(events.at(-1)?.event).toBe('chat_complete')
}

function rate(srv: TestServer, messageId: string, body: unknown, token = TOKEN_A): Promise<Response> {
  return fetch(`${srv.http}/api/playground/assistant/answers/${messageId}/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(token) },
    body: JSON.stringify(body),
  })
}

async function report(srv: TestServer): Promise<QualityReport> {
  const res = await fetch(`${srv.http}/api/admin/quality?hours=1`, { headers: bearer(ADMIN) })
  expect(res.status).toBe(200)
  return (await res.json()) as QualityReport
}

describe('quality signals shared through Redis', () => {
  it('an answer from A is rated through B once, and both reports list it', async () => {
    const question = 'How do I create a fungible token on Hedera?'
    await ask(a, question, 'qr-token')
    // Not the owner: looks unknown on B as on A.
    expect((await rate(b, 'qr-token', { rating: 'down' }, TOKEN_B)).status).toBe(404)
    const saved = await rate(b, 'qr-token', { rating: 'down', reason: 'outdated', comment: 'uses a removed call' })
    expect(saved.status).toBe(201)
    const again = await rate(a, 'qr-token', { rating: 'up' })
    expect(again.status).toBe(409)
    expect(((await again.json()) as { error: string }).error).toMatch(/already rated/)

    const [fromA, fromB] = await Promise.all([report(a), report(b)])
    expect(fromB).toEqual({ ...fromA, since: fromB.since })
    const group = fromA.groups.find((g) => g.examples?.includes(question))
    expect(group).toMatchObject({ answers: 1, signals: { downvoted: 1 }, reasons: { outdated: 1 }, comments: ['uses a removed call'] })
    expect(fromA.totals.downvoted).toBe(1)
  })

  it('a report on B counts answers produced on A and on B', async () => {
    const before = (await report(b)).answers
    await ask(a, 'How do I transfer hbar between accounts?', 'qr-on-a')
    await ask(b, 'How do I schedule a transaction?', 'qr-on-b')
    expect((await report(b)).answers).toBe(before + 2)
    expect((await report(a)).answers).toBe(before + 2)
  })

  it('with Redis down, rating and the report answer 503 with a sentence naming the store', async () => {
    await ask(a, 'How do I query an account balance?', 'qr-outage')
    await both!.redis.kill()
    try {
      const refused = await rate(b, 'qr-outage', { rating: 'up' })
      expect(refused.status).toBe(503)
      expect(((await refused.json()) as { error: string }).error).toMatch(/quality store \(Redis\) is unreachable/)
      const res = await fetch(`${a.http}/api/admin/quality?hours=1`, { headers: bearer(ADMIN) })
      expect(res.status).toBe(503)
      expect(b.logs.some((l) => l.event === 'quality_store_failed' && l.operation === 'feedback')).toBe(true)
    } finally {
      await both!.redis.restart()
    }
  })
})
