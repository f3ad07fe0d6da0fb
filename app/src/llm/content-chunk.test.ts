import { describe, expect, it } from 'vitest'
import { contentOf, contentTemplate, type ParsedChunk } from './content-chunk.js'

/** A chunk as OpenAI streams it (field order and nulls included). */
function chunk(content: string | undefined, extra: { finish?: string; usage?: object; role?: string; model?: string } = {}): string {
  const delta = { ...(extra.role ? { role: extra.role } : {}), ...(content === undefined ? {} : { content }) }
  return JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1700000000,
    model: extra.model ?? 'gpt-4o',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: extra.finish ?? null }],
    usage: extra.usage ?? null,
  })
}

const templateOf = (data: string) => contentTemplate(data, JSON.parse(data) as ParsedChunk)

/** Texts a model sends, with every JSON escape: quotes, backslashes, control characters, non-BMP characters. */
const TEXTS = ['Hello', ' world', '', 'say "hi"', 'C:\\path\\', '\\"', 'a\nb\tc\r', '\u0000\u001f', '😀 é ü 中文', '\ud83d', '"content":"x"', '}],"usage":null}', '\\u0041']

describe('content chunks without JSON.parse', () => {
  it('reads the text of every chunk that matches the template exactly as JSON.parse does', () => {
    const template = templateOf(chunk('first'))!
    expect(template).toBeDefined()
    for (const text of TEXTS) expect(contentOf(chunk(text), template)).toBe(text)
  })

  it('reads random texts exactly as JSON.parse does', () => {
    const template = templateOf(chunk('first'))!
    const alphabet = ['a', ' ', '"', '\\', '\n', '\u0001', 'é', '😀', '/', 'u', '{', '}', ':', ',']
    let seed = 7
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
    for (let n = 0; n < 2000; n++) {
      const text = Array.from({ length: Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('')
      const data = chunk(text)
      expect(contentOf(data, template)).toBe((JSON.parse(data) as { choices: { delta: { content: string } }[] }).choices[0]!.delta.content)
    }
  })

  it('leaves every other chunk to the full parse', () => {
    const template = templateOf(chunk('first'))!
    expect(contentOf(chunk('last', { finish: 'stop' }), template)).toBeUndefined()
    expect(contentOf(chunk('x', { usage: { prompt_tokens: 1 } }), template)).toBeUndefined()
    expect(contentOf(chunk('x', { role: 'assistant' }), template)).toBeUndefined()
    expect(contentOf(chunk('x', { model: 'gpt-4o-mini' }), template)).toBeUndefined()
    expect(contentOf(chunk(undefined, { finish: 'stop' }), template)).toBeUndefined()
    expect(contentOf(JSON.stringify({ choices: [], usage: { total_tokens: 3 } }), template)).toBeUndefined()
    // Same parts around a "text" that is not one JSON string: the structure differs.
    const { before, after } = template
    expect(contentOf(`${before}a"b${after}`, template)).toBeUndefined()
    expect(contentOf(`${before}a\\${after}`, template)).toBeUndefined()
    expect(contentOf(`${before}a\nb${after}`, template)).toBeUndefined()
  })

  it('makes a template only of a chunk that carries text and nothing else', () => {
    expect(templateOf(chunk('x', { finish: 'stop' }))).toBeUndefined()
    expect(templateOf(chunk('x', { role: 'assistant' }))).toBeUndefined()
    expect(templateOf(chunk('x', { usage: { total_tokens: 1 } }))).toBeUndefined()
    expect(templateOf(chunk(undefined))).toBeUndefined()
    expect(templateOf(JSON.stringify({ choices: [{ delta: { content: 'a' } }, { delta: { content: 'b' } }] }))).toBeUndefined()
    expect(templateOf(JSON.stringify({ choices: [{ delta: { content: 'a', tool_calls: [] } }] }))).toBeUndefined()
    // A second "content" key elsewhere: which one is the text is not certain, so no template.
    expect(templateOf(JSON.stringify({ meta: { content: 'a' }, choices: [{ delta: { content: 'a' } }] }))).toBeUndefined()
    // Spaced JSON: the key is not found, the chunk is parsed in full every time.
    expect(templateOf(JSON.stringify(JSON.parse(chunk('a')), null, 1))).toBeUndefined()
  })
})
