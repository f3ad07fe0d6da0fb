/** The shape of a user's OpenAI key, checked before anything else, and its masked form for display. */

export const API_KEY_MIN = 20
export const API_KEY_MAX = 512

/** Undefined when the key looks like an OpenAI key; otherwise a sentence naming the field and the fix (never the key). */
export function keyShapeProblem(apiKey: unknown): string | undefined {
  if (typeof apiKey !== 'string') return 'apiKey must be a string: send {"apiKey":"sk-..."}'
  if (apiKey.length < API_KEY_MIN || apiKey.length > API_KEY_MAX) {
    return `apiKey must be ${API_KEY_MIN}-${API_KEY_MAX} characters (got ${apiKey.length}); paste the whole key from your OpenAI account`
  }
  if (!apiKey.startsWith('sk-')) return 'apiKey must start with "sk-"; paste an OpenAI API key'
  if (!/^[A-Za-z0-9_-]+$/.test(apiKey)) return 'apiKey may hold only letters, digits, "-" and "_"; remove spaces or line breaks around it'
  return undefined
}

/** `sk-…WXYZ`: the prefix and the last four characters, enough for a user to recognise their key, never to use it. */
export function maskKey(apiKey: string): string {
  const prefix = /^sk-(proj|svcacct|admin)-/.exec(apiKey)?.[0] ?? 'sk-'
  return `${prefix}…${apiKey.slice(-4)}`
}
