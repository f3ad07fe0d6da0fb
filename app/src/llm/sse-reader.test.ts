import { describe, expect, it } from 'vitest'
import { contentOf, contentOfBytes, contentTemplate, type ContentTemplate, type ParsedChunk } from './content-chunk.js'
import { createSseParser } from './sse-parser.js'
import { createSseReader, type SseReaderHandlers } from './sse-reader.js'

const chunk = (delta: object, extra: object = {}) => JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: null }], ...extra })
const TEXTS = ['Hello', ' wörld', ' ✓ 🚀', ' line\nbreak', ' "quoted"', ' back\\slash', ' tab\there', '', ' é']
const EVENTS = [
  chunk({ role: 'assistant', content: '' }),
  ...TEXTS.map((text) => chunk({ content: text })),
  chunk({ content: 'x' }, { model: 'other' }),
  chunk({ content: 'after' }),
  chunk({}, { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
  '[DONE]',
]
const STREAM = Buffer.from(`: keep-alive\n\n${EVENTS.map((e) => `data: ${e}\n\n`).join('')}`)

/** What openai.ts does with each event: the template's text, else the parsed chunk's text (and a template from it). */
function tokensOf(feed: (handlers: SseReaderHandlers) => void) {
  const tokens: string[] = []
  let template: ContentTemplate | undefined
  let fast = 0
  feed({
    onData(data) {
      if (data === '[DONE]') return
      const text = template ? contentOf(data, template) : undefined
      if (text !== undefined) return void tokens.push(text)
      const parsed = JSON.parse(data) as ParsedChunk
      template = contentTemplate(data, parsed) ?? template
      const content = parsed.choices?.[0]?.delta?.content
      if (typeof content === 'string') tokens.push(content)
    },
    readText(b, s, e) {
      return template ? contentOfBytes(b, s, e, template) : undefined
    },
    onText(text) {
      fast++
      tokens.push(text)
    },
  })
  return { tokens, fast }
}

function viaBytes(pieces: Buffer[]) {
  return tokensOf((handlers) => {
    const reader = createSseReader(handlers)
    for (const piece of pieces) reader.feed(piece)
    reader.end()
  })
}

const asText = tokensOf((handlers) => {
  const parser = createSseParser(handlers.onData)
  parser.feed(STREAM.toString('utf8'))
  parser.end()
}).tokens

describe('createSseReader', () => {
  it('reads the usual text chunks from bytes and gives the same texts as the text parser', () => {
    const whole = viaBytes([STREAM])
    expect(whole.tokens).toEqual(asText)
    expect(asText).toEqual(['', ...TEXTS, 'x', 'after'])
    // Every text chunk after the first ('Hello', which makes the template) is read from bytes, until the model
    // changes: that chunk makes a new template, so the next one ('after') is parsed again.
    expect(whole.fast).toBe(TEXTS.length - 1)
  })

  it('gives the same texts however the bytes are split, inside characters too', () => {
    for (let cut = 1; cut < STREAM.length; cut++) expect(viaBytes([STREAM.subarray(0, cut), STREAM.subarray(cut)]).tokens).toEqual(asText)
    const bytes = [...STREAM].map((b) => Buffer.from([b]))
    expect(viaBytes(bytes).tokens).toEqual(asText)
    for (const size of [3, 7, 64, 200]) {
      const pieces: Buffer[] = []
      for (let i = 0; i < STREAM.length; i += size) pieces.push(STREAM.subarray(i, i + size))
      expect(viaBytes(pieces).tokens).toEqual(asText)
    }
  })

  it('reads CRLF streams and multi-line data as text', () => {
    const crlf = Buffer.from(STREAM.toString('utf8').replaceAll('\n', '\r\n'))
    const result = viaBytes([crlf])
    expect(result.tokens).toEqual(asText)
    expect(result.fast).toBe(0)
    const split = viaBytes([Buffer.from(`data: ${EVENTS[1]}\n\ndata: {"choices":[{"delta":\ndata: {"content":"two"}}]}\n\n`)])
    expect(split.tokens).toEqual(['Hello', 'two'])
  })

  it('leaves a value that is not one plain JSON string to the full parse', () => {
    const template = contentTemplate(chunk({ content: 'a' }), JSON.parse(chunk({ content: 'a' })) as ParsedChunk)!
    const at = (value: string) => {
      const b = Buffer.from(`${template.before}${value}${template.after}`)
      return contentOfBytes(b, 0, b.length, template)
    }
    expect(at('plain')).toBe('plain')
    expect(at('é\\n\\u00e9')).toBe('é\né')
    expect(at('a"b')).toBeUndefined()
    expect(at('a\\')).toBeUndefined()
    expect(at('a\nb')).toBeUndefined()
    const other = Buffer.from(chunk({ content: 'a' }, { model: 'n' }))
    expect(contentOfBytes(other, 0, other.length, template)).toBeUndefined()
  })
})
