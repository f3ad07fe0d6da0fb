import { describe, expect, it } from 'vitest'
import { CLIENT_MESSAGE_TYPES, clientMessageSchema, deltaJson, deltaJsonPrefix, frames, parseClientMessage } from './frames.js'

const schema = clientMessageSchema(1000)

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

function anyValue(rnd: () => number, depth = 0): unknown {
  const pick = Math.floor(rnd() * (depth > 2 ? 6 : 9))
  const keys = ['type', 'content', 'messageId', 'conversationId', 'lastSeq', 'x', '__proto__', 'constructor']
  switch (pick) {
    case 0:
      return null
    case 1:
      return rnd() < 0.5
    case 2:
      return Math.floor(rnd() * 2000) - 1000 + (rnd() < 0.2 ? 0.5 : 0)
    case 3:
      return String.fromCodePoint(...Array.from({ length: Math.floor(rnd() * 20) }, () => Math.floor(rnd() * 0x2ffff)))
    case 4:
      return CLIENT_MESSAGE_TYPES[Math.floor(rnd() * CLIENT_MESSAGE_TYPES.length)]
    case 5:
      return 'x'.repeat(Math.floor(rnd() * 1500))
    case 6:
      return Array.from({ length: Math.floor(rnd() * 4) }, () => anyValue(rnd, depth + 1))
    default:
      return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 5) }, () => [keys[Math.floor(rnd() * keys.length)]!, anyValue(rnd, depth + 1)]))
  }
}

describe('parseClientMessage never throws and always explains', () => {
  it('5000 random JSON values and raw strings: ok with a known type, or one clear sentence', () => {
    const rnd = random(42)
    for (let i = 0; i < 5000; i++) {
      const value = anyValue(rnd)
      const text = rnd() < 0.1 ? JSON.stringify(value).slice(0, Math.floor(rnd() * 40)) : JSON.stringify(value)
      const result = parseClientMessage(text ?? 'undefined', schema)
      if (result.ok) {
        expect(CLIENT_MESSAGE_TYPES).toContain(result.message.type)
      } else {
        expect(result.error.length).toBeGreaterThan(10)
        expect(result.error).not.toMatch(/\[object Object\]|undefined is|Cannot read/)
      }
    }
  })

  it('a __proto__ key reaches neither the message nor its prototype', () => {
    // JSON.parse makes "__proto__" an own key; copying it with Object.assign or a spread would set the
    // message's prototype. The parsed message must be a plain object with only the schema's fields.
    const result = parseClientMessage('{"type":"chat","content":"hi","__proto__":{"isAdmin":true,"type":"cancel"},"constructor":{"prototype":{"isAdmin":true}}}', schema)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(Object.getPrototypeOf(result.message)).toBe(Object.prototype)
    expect(Object.keys(result.message).sort()).toEqual(['content', 'type'])
    expect((result.message as Record<string, unknown>).isAdmin).toBeUndefined()
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined()
  })
})

describe('the editor state on a chat frame', () => {
  it('is accepted as metadata, with code and output defaulting to empty', () => {
    const parsed = parseClientMessage(JSON.stringify({ type: 'chat', content: 'why?', metadata: { type: 'execution-analysis', language: 'go', currentLine: 3, output: 'INVALID_SIGNATURE' } }), schema)
    expect(parsed).toEqual({ ok: true, message: { type: 'chat', content: 'why?', metadata: { type: 'execution-analysis', language: 'go', currentLine: 3, code: '', output: 'INVALID_SIGNATURE' } } })
  })

  it('is refused with the field when its type or size is wrong', () => {
    const small = clientMessageSchema(1000, { maxCodeChars: 10, maxOutputChars: 10 })
    expect(parseClientMessage(JSON.stringify({ type: 'chat', content: 'q', metadata: { type: 'chat' } }), small)).toEqual({
      ok: false,
      error: 'Invalid chat message: metadata.type must be one of general-assistant, code-review, execution-analysis',
    })
    expect(parseClientMessage(JSON.stringify({ type: 'chat', content: 'q', metadata: { type: 'code-review', code: 'x'.repeat(11) } }), small)).toEqual({
      ok: false,
      error: 'Invalid chat message: metadata.code must be at most 10 characters',
    })
  })
})

describe('deltaJson', () => {
  it('is byte for byte JSON.stringify of the delta frame, for any ids and text', () => {
    const next = random(7)
    // Quotes, backslashes, controls, non-ASCII, an emoji and lone surrogates: everything JSON escapes or keeps.
    const alphabet = ['a', ' ', '"', '\\', '\n', '\t', '\u0000', '\u001f', 'é', '中', '😀', '\ud800', '\udfff', '</script>', '\u2028']
    const text = () => Array.from({ length: Math.floor(next() * 12) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('')
    for (let i = 0; i < 500; i++) {
      const ids = { messageId: `m-${i}.x:${text().length}`, conversationId: `c_${i}` }
      const prefix = deltaJsonPrefix(ids)
      const seq = Math.floor(next() * 100_000)
      const content = text()
      expect(deltaJson(prefix, seq, content)).toBe(JSON.stringify(frames.delta(ids, seq, content)))
    }
  })
})
