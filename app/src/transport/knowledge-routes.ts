/** GET /api/knowledge/search: the knowledge base's top hits for a query, behind the same guard as the chat endpoints. */
import { Hono } from 'hono'
import { isAdmissionRefusal, type Guard } from '../guard/guard.js'
import { isRefusal } from '../guard/limits.js'
import { ZERO_USAGE } from '../chat/start-request.js'
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import { httpError, refusalResponse } from './http-error.js'

export const MAX_SEARCH_QUERY_CHARS = 500
const DEFAULT_LIMIT = 8
const MAX_LIMIT = 20
const SNIPPET_CHARS = 240

export function knowledgeRoutes(deps: { knowledge: Pick<KnowledgeBase, 'search'>; guard: Pick<Guard, 'admit' | 'beforeChat'> }): Hono {
  const app = new Hono()
  app.get('/api/knowledge/search', async function searchKnowledge(c) {
    const admission = await deps.guard.admit(c)
    if (isAdmissionRefusal(admission)) return refusalResponse(admission)
    const q = c.req.query('q')?.trim()
    if (!q) return httpError('invalid_message', 'The query parameter q is missing or empty; pass the words to search for, e.g. /api/knowledge/search?q=associate+token')
    if (q.length > MAX_SEARCH_QUERY_CHARS) return httpError('invalid_message', `The query is ${q.length} characters; send at most ${MAX_SEARCH_QUERY_CHARS}`)
    const rawLimit = c.req.query('limit')
    const limit = rawLimit === undefined ? DEFAULT_LIMIT : Number(rawLimit)
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return httpError('invalid_message', `limit must be a whole number from 1 to ${MAX_LIMIT} (got ${JSON.stringify(rawLimit)})`)
    // A search counts against the chat rate limit: it is cheap, but it is the same client asking.
    const lease = await deps.guard.beforeChat(admission.key)
    if (isRefusal(lease)) return httpError('rate_limited', lease.error, { extra: { retryAfter: lease.retryAfter } })
    try {
      const hits = deps.knowledge.search(q, limit).map(({ passage, score }) => ({
        id: passage.sourceId,
        passage: passage.id,
        kind: passage.kind,
        title: passage.title,
        heading: passage.heading,
        snippet: snippet(passage.text),
        score: Math.round(score * 100) / 100,
      }))
      return c.json({ query: q, hits })
    } finally {
      lease.end(ZERO_USAGE)
    }
  })
  return app
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > SNIPPET_CHARS ? `${flat.slice(0, SNIPPET_CHARS - 1)}…` : flat
}
