import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ToolCall } from '../src/llm/client.js'
import { createOpenAiClient } from '../src/llm/openai.js'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'

const proposeCode = {
  name: 'proposeCode',
  description: 'Propose changes to the editor file',
  parameters: { type: 'object', properties: { changes: { type: 'array' } }, required: ['changes'] },
}
const args = JSON.stringify({ changes: [{ mode: 'replace', code: 'await tx.execute(client)', contextBefore: 'const a = 1', contextAfter: 'const b = 2' }] })

describe('tool calls through the lean stream read (real openai SDK request, fake upstream)', () => {
  let fake: FakeOpenAi
  beforeAll(async () => {
    fake = await startFakeOpenAi({ toolCalls: { review: [{ name: 'proposeCode', arguments: args }] } })
  })
  afterAll(() => fake.close())

  const client = () =>
    createOpenAiClient({
      apiKey: 'sk-test',
      baseURL: fake.url,
      model: 'gpt-4o',
      maxTokens: 500,
      temperature: 0.2,
      firstTokenTimeoutMs: 5000,
      idleTimeoutMs: 5000,
      answerTimeoutMs: 10_000,
      maxRetries: 0,
      retryBaseMs: 10,
    })

  it('accumulates streamed tool_calls, runs the tool on the server, and streams the second step', async () => {
    const calls: ToolCall[] = []
    let text = ''
    const question = '[[tools:review]] Review my code'
    const result = await client().stream([{ role: 'user', content: question }], {
      signal: new AbortController().signal,
      onDelta: (t) => (text += t),
      tools: {
        specs: [proposeCode],
        run: (call) => {
          calls.push(call)
          return Promise.resolve({ appliedChanges: [{ mode: 'replace', code: 'x', startLine: 3, endLine: 3 }] })
        },
      },
    })
    // The arguments arrived in 16-character pieces and were joined exactly.
    expect(calls).toEqual([{ id: 'call_0', name: 'proposeCode', arguments: args }])
    expect(text).toBe(fake.answerFor(question))
    expect(result.finishReason).toBe('stop')
    const [first, second] = fake.requests.filter((r) => r.messages.at(0)?.content === question)
    expect(first!.tools).toEqual(['proposeCode'])
    expect(first!.toolChoice).toBe('auto')
    // The second step carries the call and the server's result, and may not call again.
    expect(second!.toolChoice).toBe('none')
    expect(second!.messages.at(-2)).toMatchObject({ role: 'assistant', content: null, tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'proposeCode', arguments: args } }] })
    expect(second!.messages.at(-1)).toEqual({ role: 'tool', tool_call_id: 'call_0', content: JSON.stringify({ appliedChanges: [{ mode: 'replace', code: 'x', startLine: 3, endLine: 3 }] }) })
    // Usage is the sum of both steps.
    expect(result.usage!.completionTokens).toBe(5 + fake.chunksFor(question).length)
  })

  it('without tools offered, the same question gets a plain answer in one request', async () => {
    const question = '[[tools:review]] Plain please'
    let text = ''
    await client().stream([{ role: 'user', content: question }], { signal: new AbortController().signal, onDelta: (t) => (text += t) })
    expect(text).toBe(fake.answerFor(question))
    const sent = fake.requests.filter((r) => r.messages.at(0)?.content === question)
    expect(sent).toHaveLength(1)
    expect(sent[0]!.tools).toEqual([])
  })
})
