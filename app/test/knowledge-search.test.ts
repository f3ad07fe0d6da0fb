/** GET /api/knowledge/search: top hits, bounded input with clear 400s, and the chat endpoints' guard. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './support/server.js'

const TOKEN = 'search-test-token-0123456789'
let open: TestServer
let guarded: TestServer
beforeAll(async () => {
  open = await startTestServer({})
  guarded = await startTestServer({ AUTH_MODE: 'token', API_TOKENS: TOKEN, RATE_LIMIT_CHATS_PER_MINUTE: '2' })
})
afterAll(async () => {
  await open.close()
  await guarded.close()
})

const search = (srv: TestServer, query: string, headers: Record<string, string> = {}) => fetch(`${srv.http}/api/knowledge/search${query}`, { headers })

interface Hits {
  query: string
  hits: { id: string; passage: string; kind: string; title: string; heading: string; snippet: string; score: number }[]
}

describe('GET /api/knowledge/search', () => {
  it('returns the top hits with id, kind, title and a short snippet, best first', async () => {
    const res = await search(open, '?q=associate%20a%20token')
    expect(res.status).toBe(200)
    const body = (await res.json()) as Hits
    expect(body.query).toBe('associate a token')
    expect(body.hits.length).toBeGreaterThan(0)
    expect(body.hits.length).toBeLessThanOrEqual(8)
    expect(body.hits[0]).toMatchObject({ id: 'token-associate', kind: 'guide' })
    for (const hit of body.hits) {
      expect(hit.snippet.length).toBeLessThanOrEqual(240)
      expect(['guide', 'api']).toContain(hit.kind)
    }
    const scores = body.hits.map((h) => h.score)
    expect(scores).toEqual([...scores].sort((a, b) => b - a))
  })

  it('searches the SDK of the language asked for, and refuses a malformed language naming the parameter', async () => {
    for (const [language, id, sdk] of [['java', 'java-token-associate', 'com.hedera.hashgraph:sdk 2.59.0'], ['rust', 'rust-token-associate', 'hiero-sdk 0.45.0']] as const) {
      const body = (await (await search(open, `?q=associate%20a%20token&language=${language}`)).json()) as Hits
      expect(body.hits[0]).toMatchObject({ id, kind: 'guide', sdk })
      expect(body.hits.every((h) => (h as unknown as { sdk: string }).sdk === sdk)).toBe(true)
    }
    const bad = await search(open, '?q=token&language=%3Cscript%3E')
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: string }).error).toMatch(/^language must be a language name/)
  })

  it('finds an SDK class by name and honours limit', async () => {
    const body = (await (await search(open, '?q=TokenAssociateTransaction&limit=3')).json()) as Hits
    expect(body.hits).toHaveLength(3)
    expect(body.hits.map((h) => h.id)).toContain('TokenAssociateTransaction')
  })

  it('refuses a missing, empty or oversized query and a bad limit with one clear sentence', async () => {
    for (const [query, message] of [
      ['', /query parameter q is missing or empty; pass the words to search for/],
      ['?q=%20%20', /query parameter q is missing or empty/],
      [`?q=${'a'.repeat(501)}`, /The query is 501 characters; send at most 500/],
      ['?q=token&limit=0', /limit must be a whole number from 1 to 20 \(got "0"\)/],
      ['?q=token&limit=abc', /limit must be a whole number from 1 to 20/],
    ] as const) {
      const res = await search(open, query)
      expect(res.status).toBe(400)
      const body = (await res.json()) as { code: string; error: string }
      expect(body.code).toBe('invalid_message')
      expect(body.error).toMatch(message)
    }
  })

  it('asks for the credential like the chat endpoints, and counts against the chat rate limit', async () => {
    expect((await search(guarded, '?q=token')).status).toBe(401)
    const auth = { authorization: `Bearer ${TOKEN}` }
    expect((await search(guarded, '?q=token', auth)).status).toBe(200)
    expect((await search(guarded, '?q=token', auth)).status).toBe(200)
    const limited = await search(guarded, '?q=token', auth)
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(((await limited.json()) as { code: string }).code).toBe('rate_limited')
  })
})
