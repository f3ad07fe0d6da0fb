/**
 * A fast path for the stream's usual chunk. Within one stream a provider sends the same JSON for every text
 * chunk except the text (same id, created, model; finish_reason and usage null). Once one such chunk was parsed
 * and found to carry only text, a later chunk that is the same outside its text needs no JSON.parse: its text
 * is the string between the two known parts. Any other chunk (the first, a role, tool calls, the finish, usage,
 * an error, a field that changed) is parsed in full as before. About 950 -> 600 ns a chunk (docs/benchmarks.md,
 * Round 5).
 */

/** A text chunk's JSON around its text: `before` ends with `"content":"`, `after` starts with the closing quote. */
export interface ContentTemplate {
  before: string
  after: string
  /** The same two parts as UTF-8, to match a chunk still in the bytes it arrived in (contentOfBytes). */
  beforeBytes: Buffer
  afterBytes: Buffer
}

/** The parts of a chunk read here (the OpenAI chat completion chunk). */
export interface ParsedChunk {
  choices?: { delta?: object & { content?: string | null }; finish_reason?: string | null }[]
  usage?: unknown
  error?: unknown
}

const CONTENT_KEY = '"content":"'

/** The template of `data` (already parsed as `chunk`) when it carries text and nothing else; else undefined. */
export function contentTemplate(data: string, chunk: ParsedChunk): ContentTemplate | undefined {
  const choice = chunk.choices?.length === 1 ? chunk.choices[0] : undefined
  const delta = choice?.delta
  if (!delta || choice.finish_reason != null || chunk.usage != null || chunk.error != null) return undefined
  const keys = Object.keys(delta)
  if (keys.length !== 1 || keys[0] !== 'content' || typeof delta.content !== 'string') return undefined
  // One "content" key in the whole chunk, so the text found is the delta's (a quote inside a string is escaped,
  // so the key's raw form cannot hide in a value).
  const at = data.indexOf(CONTENT_KEY)
  if (at === -1 || data.indexOf(CONTENT_KEY, at + 1) !== -1) return undefined
  const start = at + CONTENT_KEY.length
  const end = closingQuote(data, start)
  if (end === -1) return undefined
  const before = data.slice(0, start)
  const after = data.slice(end)
  const template = { before, after, beforeBytes: Buffer.from(before), afterBytes: Buffer.from(after) }
  return contentOf(data, template) === delta.content ? template : undefined
}

/** The text of `data` when it matches `template` outside its text; undefined when it must be parsed in full. */
export function contentOf(data: string, template: ContentTemplate): string | undefined {
  const { before, after } = template
  // Equality of the two ends, not startsWith / endsWith: V8 compares equal strings' bytes at once, where
  // startsWith walked the ~120 characters one by one (~0.4 us a token of ~0.5 in this function).
  if (data.length < before.length + after.length || data.slice(0, before.length) !== before || data.slice(data.length - after.length) !== after) return undefined
  const raw = data.slice(before.length, data.length - after.length)
  let escapes = false
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    // A raw control character or an unescaped quote: not one JSON string; the full parse decides.
    if (c < 0x20 || c === 34 /* " */) return undefined
    if (c === 92 /* \ */) {
      escapes = true
      i++
    }
  }
  if (!escapes) return raw
  try {
    return JSON.parse(`"${raw}"`) as string
  } catch {
    return undefined
  }
}

/**
 * contentOf on bytes: the text of the event value at [start, end) of `chunk`, read without decoding the rest of
 * the chunk (only the text becomes a string); undefined when it must be parsed as text.
 */
export function contentOfBytes(chunk: Buffer, start: number, end: number, template: ContentTemplate): string | undefined {
  const { beforeBytes: before, afterBytes: after } = template
  const from = start + before.length
  const to = end - after.length
  if (to < from || chunk.compare(before, 0, before.length, start, from) !== 0 || chunk.compare(after, 0, after.length, to, end) !== 0) return undefined
  let escapes = false
  for (let i = from; i < to; i++) {
    const c = chunk[i]!
    // Bytes of a multi-byte character are all >= 0x80, so these tests see only ASCII.
    if (c < 0x20 || c === 34 /* " */) return undefined
    if (c === 92 /* \ */) {
      escapes = true
      i++
    }
  }
  const raw = chunk.toString('utf8', from, to)
  if (!escapes) return raw
  try {
    return JSON.parse(`"${raw}"`) as string
  } catch {
    return undefined
  }
}

/** The index of the quote that ends the JSON string starting at `start`, or -1. */
function closingQuote(data: string, start: number): number {
  for (let i = start; i < data.length; i++) {
    const c = data.charCodeAt(i)
    if (c === 92) i++
    else if (c === 34) return i
  }
  return -1
}
