import { describe, expect, it } from 'vitest'
import { createSseParser } from './sse-parser.js'

function parse(pieces: string[]): string[] {
  const out: string[] = []
  const parser = createSseParser((data) => out.push(data))
  for (const piece of pieces) parser.feed(piece)
  parser.end()
  return out
}

describe('createSseParser', () => {
  it('yields the data of each event terminated by a blank line', () => {
    expect(parse(['data: {"a":1}\n\ndata: {"b":2}\n\ndata: [DONE]\n\n'])).toEqual(['{"a":1}', '{"b":2}', '[DONE]'])
  })

  it('gives the same events however the text is split, down to one character a feed', () => {
    const text = 'data: {"x":"é✓"}\r\n\r\n: comment\n\ndata:no-space\r\revent: ignored\ndata: one\ndata: two\n\ndata: tail'
    const expected = ['{"x":"é✓"}', 'no-space', 'one\ntwo']
    expect(parse([text])).toEqual(expected)
    expect(parse([...text])).toEqual(expected)
    for (let cut = 1; cut < text.length; cut++) expect(parse([text.slice(0, cut), text.slice(cut)])).toEqual(expected)
  })

  it('ignores comments and other fields, and drops an event the stream never finished', () => {
    expect(parse([': keep-alive\n\nid: 7\nretry: 10\n\ndata: last'])).toEqual([])
  })

  it('keeps an empty data field as an empty event', () => {
    expect(parse(['data\n\ndata:\n\n'])).toEqual(['', ''])
  })

  it('parses a long stream fed in small pieces, losing nothing', () => {
    const events = Array.from({ length: 20_000 }, (_, i) => `data: {"i":${i}}\n\n`).join('')
    const pieces: string[] = []
    for (let i = 0; i < events.length; i += 7) pieces.push(events.slice(i, i + 7))
    const out = parse(pieces)
    expect(out.length).toBe(20_000)
    expect(out[19_999]).toBe('{"i":19999}')
  })
})
