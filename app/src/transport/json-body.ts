/** Reads a JSON request body the way every chat endpoint does, and the SSE response headers they share. */
import type { Context } from 'hono'

export type JsonBody = { ok: true; body: unknown } | { ok: false; problem: 'media_type' | 'syntax' }

/**
 * JSON only: a cross-site form (text/plain, no CORS preflight) must not be able to start answers. The caller
 * says each problem in its own protocol's words.
 */
export async function readJsonBody(c: Context): Promise<JsonBody> {
  if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) return { ok: false, problem: 'media_type' }
  try {
    return { ok: true, body: await c.req.json() }
  } catch {
    return { ok: false, problem: 'syntax' }
  }
}

/** Headers of every event stream: no caching, no proxy buffering. */
export const EVENT_STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
} as const
