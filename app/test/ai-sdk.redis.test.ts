/**
 * Resume the AI SDK way across instances: an answer started on A, its stream dropped, picked up on B with
 * DefaultChatTransport.reconnectToStream (GET .../chat/:id/stream) through a real redis-server.
 */
import { DefaultChatTransport, type UIMessage, type UIMessageChunk } from 'ai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FakeOpenAi } from './support/fake-openai.js'
import type { TestServer } from './support/server.js'
import { startTwoInstances, type TwoInstances } from './support/two-instances.js'

const CHAT = '/api/playground/assistant/chat'

let fake: FakeOpenAi
let a: TestServer
let b: TestServer
let both: TwoInstances | undefined

beforeAll(async () => {
  both = await startTwoInstances({ RESUME_GRACE_MS: '30000', AUTH_MODE: 'gateway' })
  ;({ fake, a, b } = both)
})
afterAll(() => both?.close())

const transportFor = (server: TestServer, userId: string) => new DefaultChatTransport({ api: `${server.http}${CHAT}`, headers: { 'x-user-id': userId } })

async function drain(stream: ReadableStream<UIMessageChunk>): Promise<UIMessageChunk[]> {
  const chunks: UIMessageChunk[] = []
  const reader = stream.getReader()
  for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value)
  return chunks
}

const textOf = (chunks: UIMessageChunk[]) => chunks.map((c) => (c.type === 'text-delta' ? c.delta : '')).join('')

describe('resume through reconnectToStream on another instance', () => {
  it('streams the whole answer from its start and then live, each chunk once; 204 once it ended', async () => {
    const chatId = `chat-resume-${Date.now()}`
    const question = '[[delay:25]] [[words:60]] resume me on another instance'
    const message: UIMessage = { id: 'u-1', role: 'user', parts: [{ type: 'text', text: question }], metadata: { type: 'general-assistant' } }
    const dropped = new AbortController()
    const first = await transportFor(a, 'erin').sendMessages({ chatId, messages: [message], trigger: 'submit-message', messageId: undefined, abortSignal: dropped.signal })
    const reader = first.getReader()
    const seen: UIMessageChunk[] = []
    while (seen.filter((c) => c.type === 'text-delta').length < 5) seen.push((await reader.read()).value!)
    dropped.abort() // the page reloads

    // Another user finds nothing to resume in that chat.
    expect(await transportFor(b, 'mallory').reconnectToStream({ chatId })).toBeNull()
    const resumed = await transportFor(b, 'erin').reconnectToStream({ chatId })
    expect(resumed).not.toBeNull()
    const chunks = await drain(resumed!)
    const upstream = fake.requests.find((r) => r.messages.at(-1)!.content!.endsWith(question))!
    expect(textOf(chunks)).toBe(fake.answerFor(upstream.messages.at(-1)!.content!))
    expect(chunks[0]).toMatchObject({ type: 'start' })
    expect(chunks.filter((c) => c.type === 'start')).toHaveLength(1)
    expect(chunks.filter((c) => c.type === 'text-start')).toHaveLength(1)
    expect(chunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' })
    // The chunks seen on A before the drop are the first chunks of the resumed stream, exactly.
    expect(chunks.slice(0, seen.length)).toEqual(seen)
    expect(await transportFor(b, 'erin').reconnectToStream({ chatId })).toBeNull()
  })
})
