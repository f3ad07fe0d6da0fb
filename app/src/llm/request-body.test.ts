import { describe, expect, it } from 'vitest'
import type { ChatMessage } from './client.js'
import { fixedMessage, requestBody } from './request-body.js'

const joined = (pieces: (string | Buffer)[]) => Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)))

describe('requestBody', () => {
  const fields = { model: 'm', stream: true, stream_options: { include_usage: true }, max_tokens: 10 }

  it('is the JSON of the messages and the fields, and its length is the bytes on the wire', () => {
    const messages: ChatMessage[] = [
      fixedMessage('system', 'You help with "Hedera" \\ tokens\n\ttabs \u2028 and é, 🙂'),
      fixedMessage('system', 'context [1] → guide'),
      { role: 'user', content: 'q1 "quoted"' },
      { role: 'assistant', content: 'a1 ✓' },
      { role: 'user', content: 'q2\u0000' },
    ]
    const body = requestBody(messages, fields)
    const bytes = joined(body.pieces)
    expect(body.length).toBe(bytes.length)
    expect(JSON.parse(bytes.toString('utf8'))).toEqual({ messages, ...fields })
  })

  it('encodes a fixed message once and sends the same bytes with every request', () => {
    const system = fixedMessage('system', 'the same prompt for every answer')
    const first = requestBody([system, { role: 'user', content: 'a' }], fields)
    const second = requestBody([system, { role: 'user', content: 'b' }], fields)
    const bytesOf = (pieces: (string | Buffer)[]) => pieces.filter((p) => Buffer.isBuffer(p))
    expect(bytesOf(first.pieces)).toHaveLength(1)
    expect(bytesOf(second.pieces)[0]).toBe(bytesOf(first.pieces)[0])
  })

  it('serializes any other message per request, frozen or not, tool calls included', () => {
    const frozen = Object.freeze({ role: 'user' as const, content: 'frozen but not fixed' })
    const calls = { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] }
    const body = requestBody([frozen, calls], { model: 'm' })
    expect(body.pieces.every((p) => typeof p === 'string')).toBe(true)
    expect(JSON.parse(joined(body.pieces).toString('utf8'))).toEqual({ messages: [frozen, calls], model: 'm' })
  })

  it('is valid JSON with no messages and with no other fields', () => {
    expect(JSON.parse(joined(requestBody([], { model: 'm' }).pieces).toString())).toEqual({ messages: [], model: 'm' })
    expect(JSON.parse(joined(requestBody([fixedMessage('user', 'x')], {}).pieces).toString())).toEqual({ messages: [{ role: 'user', content: 'x' }] })
  })

  it('makes fixed messages immutable, so their bytes cannot go stale', () => {
    const message = fixedMessage('system', 'prompt')
    expect(() => {
      ;(message as { content: string }).content = 'changed'
    }).toThrow(TypeError)
  })
})
