import { describe, expect, it } from 'vitest'
import { parseCompletionRequest, type ParsedRequest } from './request.js'

const limits = { maxContentChars: 100, maxHistory: 2 }
const parse = (body: unknown): ParsedRequest => parseCompletionRequest(body, limits)
const ok = (body: unknown) => {
  const result = parse(body)
  if (!result.ok) throw new Error(result.error)
  return result.request
}
const user = (content: string) => ({ role: 'user', content })

describe('parseCompletionRequest', () => {
  it('takes the last user message as the question and the rest as history', () => {
    const request = ok({ model: 'm', messages: [{ role: 'system', content: 'S' }, user('q1'), { role: 'assistant', content: 'a1' }, user('q2')] })
    expect(request.question).toBe('q2')
    expect(request.history).toEqual([{ role: 'system', content: 'S' }, { role: 'user', content: 'q1' }, { role: 'assistant', content: 'a1' }])
    expect(request).toMatchObject({ model: 'm', stream: false, includeUsage: false, sampling: {} })
  })

  it('keeps the last maxHistory user/assistant messages and every system message', () => {
    const messages = [{ role: 'system', content: 'old rule' }, user('q1'), { role: 'assistant', content: 'a1' }, { role: 'developer', content: 'mid rule' }, user('q2'), { role: 'assistant', content: 'a2' }, user('q3')]
    expect(ok({ model: 'm', messages }).history).toEqual([
      { role: 'system', content: 'old rule' },
      { role: 'system', content: 'mid rule' },
      { role: 'user', content: 'q2' },
      { role: 'assistant', content: 'a2' },
    ])
    expect(parseCompletionRequest({ model: 'm', messages }, { ...limits, maxHistory: 0 })).toMatchObject({ ok: true, request: { history: [{ content: 'old rule' }, { content: 'mid rule' }] } })
  })

  it('joins text parts and maps developer to system', () => {
    const request = ok({ model: 'm', messages: [{ role: 'developer', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }, { role: 'user', content: [{ type: 'text', text: 'hi' }] }] })
    expect(request.history).toEqual([{ role: 'system', content: 'ab' }])
    expect(request.question).toBe('hi')
  })

  it('reads sampling and streaming options; max_completion_tokens wins over max_tokens; null means unset', () => {
    expect(ok({ model: 'm', messages: [user('q')], temperature: 0.2, max_tokens: 10, max_completion_tokens: 20, stream: true, stream_options: { include_usage: true } })).toMatchObject({
      sampling: { temperature: 0.2, maxTokens: 20 },
      stream: true,
      includeUsage: true,
    })
    expect(ok({ model: 'm', messages: [user('q')], temperature: null, max_tokens: null, stream: null, stream_options: null, n: null }).sampling).toEqual({})
  })

  it('ignores fields it does not honour', () => {
    expect(ok({ model: 'm', messages: [user('q')], tools: [{ type: 'function' }], stop: ['x'], top_p: 0.5, user: 'u', n: 1 }).question).toBe('q')
  })

  it.each([
    [{ messages: [user('q')] }, 'model', /^model is required/],
    [{ model: 'm', messages: 'hi' }, 'messages', /^messages must be an array/],
    [{ model: 'm', messages: [user('q'), { role: 'tool', content: 'r' }] }, 'messages.1.role', /^messages\.1\.role must be system, developer, user or assistant/],
    [{ model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url' }] }] }, 'messages.0.content', /^messages\.0\.content must be a string or an array of text parts/],
    [{ model: 'm', messages: [user('x'.repeat(101))] }, 'messages.0.content', /^messages\.0\.content must be at most 100 characters$/],
    [{ model: 'm', messages: [user('   ')] }, 'messages', /^The last message must be a non-empty user message/],
    [{ model: 'm', messages: [user('q')], temperature: -1 }, 'temperature', /^temperature must be at least 0$/],
    [{ model: 'm', messages: [user('q')], max_tokens: 1.5 }, 'max_tokens', /^max_tokens must be a whole number$/],
    [{ model: 'm', messages: [user('q')], stream: 'yes' }, 'stream', /^stream must be true or false$/],
    [{ model: 'm', messages: [user('q')], n: 3 }, 'n', /^n must be 1/],
  ])('refuses %j naming %s', (body, param, message) => {
    const result = parse(body)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.param).toBe(param)
    expect(result.error).toMatch(message)
  })

  it('refuses a body that is not an object with one sentence', () => {
    for (const body of [null, 42, 'text', []]) {
      const result = parse(body)
      expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/^The body /) as unknown })
    }
  })
})

describe('the editor extension', () => {
  const base = { model: 'hedera-assistant', messages: [{ role: 'user', content: 'why?' }] }
  const bounds = { maxContentChars: 100, maxHistory: 5, editor: { maxCodeChars: 5, maxOutputChars: 5 } }

  it('carries the editor state into the request, checked against the server bounds', () => {
    const parsed = parseCompletionRequest({ ...base, editor: { type: 'code-review', code: 'ab' } }, bounds)
    expect(parsed.ok && parsed.request.editor).toEqual({ type: 'code-review', code: 'ab', output: '' })
    expect(parseCompletionRequest(base, bounds)).toMatchObject({ ok: true, request: { editor: undefined } })
  })

  it('refuses a bad one naming the parameter', () => {
    expect(parseCompletionRequest({ ...base, editor: { type: 'code-review', code: 'abcdef' } }, bounds)).toEqual({ ok: false, param: 'editor.code', error: 'editor.code must be at most 5 characters' })
    expect(parseCompletionRequest({ ...base, editor: { type: 'x' } }, bounds)).toMatchObject({ ok: false, param: 'editor.type' })
  })
})
