/** The REST endpoints for a signed-in user's conversations: list, read, rename, delete. */
import type { ConversationMessage, ConversationSummary } from './protocol.js'

export interface ConversationsApiOptions {
  /** Origin (and optional path prefix) of the server, e.g. https://assistant.example.com. */
  baseUrl: string
  /** The current credential (sent as Authorization: Bearer), if any. */
  getToken?: () => string | undefined | Promise<string | undefined>
  fetch?: typeof fetch
}

export interface ConversationsApi {
  list(): Promise<ConversationSummary[]>
  get(conversationId: string): Promise<{ conversationId: string; messages: ConversationMessage[] }>
  rename(conversationId: string, title: string): Promise<{ conversationId: string; title: string }>
  remove(conversationId: string): Promise<void>
}

/** A refused request: the HTTP status, the server's stable code and its sentence. */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

export function conversationsApi(options: ConversationsApiOptions): ConversationsApi {
  const base = options.baseUrl.replace(/\/+$/, '')
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis)

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = await options.getToken?.()
    const headers: Record<string, string> = {}
    if (token) headers.authorization = `Bearer ${token}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    const res = await doFetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) })
    if (res.status === 204) return undefined as T
    const data = (await res.json().catch(() => undefined)) as { code?: string; error?: string } | undefined
    if (!res.ok) throw new ApiError(res.status, data?.code ?? 'http_error', data?.error ?? `${method} ${path} answered HTTP ${res.status}`)
    return data as T
  }

  const path = (conversationId: string) => `/api/conversations/${encodeURIComponent(conversationId)}`
  return {
    list: async () => (await request<{ conversations: ConversationSummary[] }>('GET', '/api/conversations')).conversations,
    get: (conversationId) => request('GET', path(conversationId)),
    rename: (conversationId, title) => request('PATCH', path(conversationId), { title }),
    remove: (conversationId) => request('DELETE', path(conversationId)),
  }
}
