import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { QualityReport } from '../src/quality/quality-report.js'
import { collectSse, postChat } from './support/sse-client.js'
import { startTestServer, type TestServer } from './support/server.js'

const TOKEN_A = 'token-of-user-a-0123456789'
const TOKEN_B = 'token-of-user-b-0123456789'
const ADMIN = 'admin-token-0123456789abcdef'
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

async function ask(srv: TestServer, content: string, messageId: string, token = TOKEN_A) {
  const res = await postChat(srv.http, { content, messageId }, bearer(token))
  expect(res.status).toBe(200)
  const events = await collectSse(res)
  expect(events.at(-1)?.event).toBe('chat_complete')
}

function rate(srv: TestServer, messageId: string, body: unknown, token = TOKEN_A) {
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

const env = { AUTH_MODE: 'token', API_TOKENS: `${TOKEN_A},${TOKEN_B}`, ADMIN_TOKEN: ADMIN, LLM_PROVIDER: 'offline' }

describe('feedback and the quality report, with LOG_CONTENT on', () => {
  let srv: TestServer
  beforeAll(async () => {
    srv = await startTestServer({ ...env, LOG_CONTENT: 'true' })
    await ask(srv, 'How do I mint an NFT?', 'q-mint')
    await ask(srv, 'zebra quantum lasagna recipes', 'q-odd-1')
    await ask(srv, 'Recipes for quantum zebra lasagna?', 'q-odd-2')
    await ask(srv, 'How do I transfer hbar to another account?', 'q-transfer')
  })
  afterAll(() => srv.close())

  it("takes one rating per answer from its owner only, and names a bad field", async () => {
    expect((await rate(srv, 'q-mint', { rating: 'down' }, TOKEN_B)).status).toBe(404)
    const saved = await rate(srv, 'q-mint', { rating: 'down', reason: 'code_does_not_compile', comment: 'the mint call is missing' })
    expect(saved.status).toBe(201)
    expect(await saved.json()).toEqual({ messageId: 'q-mint', rating: 'down' })
    const again = await rate(srv, 'q-mint', { rating: 'up' })
    expect(again.status).toBe(409)
    expect(((await again.json()) as { error: string }).error).toMatch(/already rated/)
    const bad = await rate(srv, 'q-transfer', { rating: 'meh' })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: string }).error).toMatch(/rating must be "up" or "down"/)
    expect((await rate(srv, 'no-such-answer', { rating: 'up' })).status).toBe(404)
    expect((await rate(srv, 'q-transfer', { rating: 'up' }, 'not-a-valid-token-000000')).status).toBe(401)
  })

  it('reports the worst-served questions grouped by similar wording, with signals, examples and sources', async () => {
    expect((await fetch(`${srv.http}/api/admin/quality`, { headers: bearer(TOKEN_A) })).status).toBe(401)
    const body = await report(srv)
    expect(body.content).toBe(true)
    expect(body.answers).toBe(4)
    const odd = body.groups.find((g) => g.examples?.includes('zebra quantum lasagna recipes'))
    expect(odd).toMatchObject({ answers: 2, signals: { offline_no_guide: 2, weak_retrieval: 2 } })
    // Newest first.
    expect(odd!.examples).toEqual(['Recipes for quantum zebra lasagna?', 'zebra quantum lasagna recipes'])
    const mint = body.groups.find((g) => g.examples?.includes('How do I mint an NFT?'))
    expect(mint).toMatchObject({ answers: 1, signals: { downvoted: 1 }, reasons: { code_does_not_compile: 1 }, comments: ['the mint call is missing'] })
    expect(mint!.sources.some((s) => s.id.startsWith('guide:'))).toBe(true)
    expect(body.totals).toMatchObject({ downvoted: 1, offline_no_guide: 2 })
    // Worst first: the group with the most signals leads.
    expect(body.groups[0]).toBe(body.groups.find((g) => g === odd))
    // A well-served, unrated answer is not in any group.
    expect(body.groups.some((g) => g.examples?.includes('How do I transfer hbar to another account?'))).toBe(false)
  })

  it('is in the OpenAPI document, which answers another method with 405', async () => {
    const doc = (await (await fetch(`${srv.http}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> }
    expect(Object.keys(doc.paths['/api/playground/assistant/answers/{messageId}/feedback']!)).toContain('post')
    expect(Object.keys(doc.paths['/api/admin/quality']!)).toContain('get')
    const wrong = await fetch(`${srv.http}/api/playground/assistant/answers/q-mint/feedback`)
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('POST')
  })

  it('refuses a bad window with a sentence', async () => {
    const res = await fetch(`${srv.http}/api/admin/quality?hours=soon`, { headers: bearer(ADMIN) })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: string }).error).toMatch(/hours must be a whole number/)
  })

  it('limits ratings per client', async () => {
    // User B rated once above; 30 a minute are allowed, so the 30th request here is the first refused.
    let refused: Response | undefined
    let sent = 0
    while (!refused && sent < 40) {
      const res = await rate(srv, `missing-${sent++}`, { rating: 'up' }, TOKEN_B)
      if (res.status === 429) refused = res
      else expect(res.status).toBe(404)
    }
    expect(sent).toBe(30)
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0)
    // Another client is not limited by B's ratings.
    expect((await rate(srv, 'q-transfer', { rating: 'up' })).status).toBe(201)
  })
})

describe('with LOG_CONTENT off', () => {
  it('keeps counts, categories and sources, never the question or a comment', async () => {
    const srv = await startTestServer(env)
    try {
      await ask(srv, 'zebra quantum lasagna recipes', 'c-odd')
      await ask(srv, 'How do I mint an NFT?', 'c-mint')
      expect((await rate(srv, 'c-mint', { rating: 'down', comment: 'secret words in a comment' })).status).toBe(201)
      const body = await report(srv)
      expect(body.content).toBe(false)
      const text = JSON.stringify(body)
      expect(text).not.toMatch(/zebra|lasagna|mint an NFT|secret words/)
      expect(body.groups.map((g) => g.key).sort()).toEqual(['downvoted', 'offline_no_guide+weak_retrieval'])
      expect(body.groups.find((g) => g.key === 'downvoted')!.sources.length).toBeGreaterThan(0)
    } finally {
      await srv.close()
    }
  })

  it('without ADMIN_TOKEN the report is refused, not open', async () => {
    const srv = await startTestServer({ LLM_PROVIDER: 'offline' })
    try {
      const res = await fetch(`${srv.http}/api/admin/quality`)
      expect(res.status).toBe(401)
      expect(((await res.json()) as { error: string }).error).toMatch(/needs ADMIN_TOKEN/)
    } finally {
      await srv.close()
    }
  })
})
