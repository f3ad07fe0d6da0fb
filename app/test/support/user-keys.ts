/** Shared pieces of the user-ai-key tests: two users, their keys, and one call to the key endpoint. */
import { createHash } from 'node:crypto'
import type { TestServer } from './server.js'

export const KEY_PATH = '/api/playground/assistant/user-ai-key'
export const TOKEN_A = 'token-of-user-a-0123456789'
export const TOKEN_B = 'token-of-user-b-0123456789'
export const USER_KEY_A = 'sk-proj-UserAsOwnKey_0123456789abcdefGHIJ'
export const USER_KEY_B = 'sk-proj-UserBsOwnKey_9876543210zyxwvuKLMN'
/** A fixed 32-byte local key-encryption key, base64 (tests only). */
export const LOCAL_KEK = Buffer.alloc(32, 7).toString('base64')

/** The user id the server derives from an API token (guard/auth.ts). */
export function userIdOf(token: string): string {
  return `token:${createHash('sha256').update(token).digest('hex').slice(0, 12)}`
}

export async function keyCall(srv: TestServer, method: 'POST' | 'GET' | 'DELETE', token: string | undefined, body?: unknown): Promise<{ status: number; body: unknown; text: string }> {
  const response = await fetch(`${srv.http}${KEY_PATH}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  })
  const text = await response.text()
  let parsed: unknown
  try {
    parsed = text ? JSON.parse(text) : undefined
  } catch {
    parsed = undefined
  }
  return { status: response.status, body: parsed, text }
}
