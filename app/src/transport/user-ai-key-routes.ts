/** POST/GET/DELETE /api/playground/assistant/user-ai-key: a signed-in user stores, inspects and removes their own OpenAI key. */
import { Hono, type Context } from 'hono'
import { isAdmissionRefusal, type Guard } from '../guard/guard.js'
import { UserKeyError, type UserKeys } from '../keys/user-keys.js'
import { httpError, refusalResponse } from './http-error.js'

export const USER_AI_KEY_PATH = '/api/playground/assistant/user-ai-key'

export interface UserAiKeyRouteDeps {
  /** Undefined when BYOK is off: every call is told how the operator turns it on. */
  keys: UserKeys | undefined
  guard: Guard
  /** Logs a failure without the key (the error's code and message only). */
  onError?(code: string, message: string): void
}

/** A UserKeyError as JSON: the usual error shape plus `reason`, the stable BYOK code. */
export function userKeyErrorResponse(error: UserKeyError): Response {
  return httpError(error.wireCode, error.message, { status: error.status, extra: { reason: error.code } })
}

export function userAiKeyRoutes(deps: UserAiKeyRouteDeps): Hono {
  const app = new Hono()

  /** The signed-in user's id and the key service, or the response that refuses the request. */
  async function userOf(c: Context): Promise<{ userId: string; keys: UserKeys } | Response> {
    const admission = await deps.guard.admit(c)
    if (isAdmissionRefusal(admission)) return refusalResponse(admission)
    const userId = admission.identity.userId
    if (userId === undefined) return httpError('unauthorized', 'Your own API key can be stored only for a signed-in user; send your credential (AUTH_MODE token or jwt)')
    if (!deps.keys) return userKeyErrorResponse(new UserKeyError('byok_disabled', "Users' own keys are not enabled on this server; the operator sets BYOK_KMS_KEY_NAME or BYOK_LOCAL_KEY"))
    return { userId, keys: deps.keys }
  }

  async function guarded(c: Context, run: (userId: string, keys: UserKeys) => Promise<Response>): Promise<Response> {
    const user = await userOf(c)
    if (user instanceof Response) return user
    try {
      return await run(user.userId, user.keys)
    } catch (error) {
      if (!(error instanceof UserKeyError)) throw error
      deps.onError?.(error.code, error.message)
      return userKeyErrorResponse(error)
    }
  }

  app.post(USER_AI_KEY_PATH, (c) =>
    guarded(c, async (userId, keys) => {
      const body: unknown = await c.req.json().catch(() => undefined)
      if (typeof body !== 'object' || body === null || !('apiKey' in body)) {
        throw new UserKeyError('byok_key_invalid', 'Send a JSON body {"apiKey":"sk-..."} with Content-Type: application/json')
      }
      const saved = await keys.save(userId, body.apiKey)
      return c.json({ stored: true, masked: saved.masked, createdAt: saved.createdAt, models: keys.models }, 201)
    }),
  )

  app.get(USER_AI_KEY_PATH, (c) =>
    guarded(c, async (userId, keys) => c.json({ ...(await keys.describe(userId)), models: keys.models })),
  )

  app.delete(USER_AI_KEY_PATH, (c) =>
    guarded(c, async (userId, keys) => {
      if (!(await keys.remove(userId))) throw new UserKeyError('byok_no_key', 'No API key of your own is stored; nothing to delete')
      return c.body(null, 204)
    }),
  )
  return app
}
