/**
 * The Chat Completions request body as the pieces that go on the wire. A message made with `fixedMessage` (the
 * system prompt, a grounding block: the same text for many answers) is encoded to JSON and UTF-8 once and its
 * bytes are reused; the rest is serialized per request. Without this every answer re-escaped and re-encoded
 * ~10 KB of context it had sent before (docs/benchmarks.md, Round 6).
 */
import type { ChatMessage } from './client.js'

/** Every fixed message, with its JSON bytes once its first request made them (null before). */
const fixedMessages = new WeakMap<object, Buffer | null>()

/** A message whose text never changes (frozen), so its encoded bytes can be reused by every request that sends it. */
export function fixedMessage(role: ChatMessage['role'], content: string): ChatMessage {
  const message = Object.freeze({ role, content })
  fixedMessages.set(message, null)
  return message
}

/** The bytes of a fixed message (made once), or undefined for any other message. */
function encodedOf(message: object): Buffer | undefined {
  const known = fixedMessages.get(message)
  if (known !== null) return known
  const bytes = Buffer.from(JSON.stringify(message))
  fixedMessages.set(message, bytes)
  return bytes
}

export interface RequestBody {
  /** Written in order; strings are UTF-8. */
  pieces: (string | Buffer)[]
  /** Bytes in all pieces: the Content-Length. */
  length: number
}

/**
 * `{"messages":[...],...fields}` as JSON: the same value `JSON.stringify({ messages, ...fields })` gives
 * (keys in another order), in pieces.
 */
export function requestBody(messages: readonly object[], fields: Record<string, unknown>): RequestBody {
  const pieces: (string | Buffer)[] = []
  let length = 0
  let text = '{"messages":['
  const flush = () => {
    if (text === '') return
    pieces.push(text)
    length += Buffer.byteLength(text)
    text = ''
  }
  messages.forEach((message, i) => {
    if (i > 0) text += ','
    const bytes = encodedOf(message)
    if (!bytes) {
      text += JSON.stringify(message)
      return
    }
    flush()
    pieces.push(bytes)
    length += bytes.length
  })
  const rest = JSON.stringify(fields)
  text += rest === '{}' ? ']}' : `],${rest.slice(1)}`
  flush()
  return { pieces, length }
}
