/**
 * The AI SDK chat protocol against the real server, with the real `ai` package as the client (v5, which the
 * Playground uses, and the current major): DefaultChatTransport validates every chunk, readUIMessageStream
 * builds the message. Offline and with the fake model upstream.
 */
import * as aiV5 from 'ai'
import * as aiLatest from 'ai-latest'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import OpenAI from 'openai'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { collectSse, postChat } from './support/sse-client.js'
import { connect } from './support/ws-client.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'

const CHAT = '/api/playground/assistant/chat'
const editor = { type: 'execution-analysis', language: 'typescript', currentLine: 2, code: 'const client = Client.forTestnet()\nawait transfer.execute(client)', output: 'ReceiptStatusError: TOKEN_NOT_ASSOCIATED_TO_ACCOUNT' }

type Ai = typeof aiV5
const clients: [string, Ai][] = [
  ['ai v5', aiV5],
  ['ai current major', aiLatest as unknown as Ai],
]

let fake: FakeOpenAi
let model: TestServer
let offline: TestServer

beforeAll(async () => {
  fake = await startFakeOpenAi()
  model = await startTestServer(upstreamEnv(fake.url, { RESUME_GRACE_MS: '30000' }))
  offline = await startTestServer({ LLM_PROVIDER: 'offline' })
})
afterAll(async () => {
  await Promise.all([model?.close(), offline?.close()])
  await fake?.close()
})

let counter = 0
const fresh = (prefix: string) => `${prefix}-${++counter}-${Date.now()}`

function userMessage(text: string, metadata: unknown = editor): aiV5.UIMessage {
  return { id: fresh('u'), role: 'user', parts: [{ type: 'text', text }], metadata }
}

/** Sends the messages through DefaultChatTransport and reads the chunks and the final message. */
async function ask(ai: Ai, base: string, messages: aiV5.UIMessage[], options: { chatId?: string; headers?: Record<string, string> } = {}) {
  const transport = new ai.DefaultChatTransport({ api: `${base}${CHAT}`, ...(options.headers ? { headers: options.headers } : {}) })
  const stream = await transport.sendMessages({ chatId: options.chatId ?? fresh('chat'), messages, trigger: 'submit-message', messageId: undefined, abortSignal: undefined })
  return read(ai, stream)
}

async function read(ai: Ai, stream: ReadableStream<aiV5.UIMessageChunk>) {
  const chunks: aiV5.UIMessageChunk[] = []
  const tee = stream.pipeThrough(new TransformStream({ transform: (chunk, controller) => (chunks.push(chunk), controller.enqueue(chunk)) }))
  let message: aiV5.UIMessage | undefined
  const errors: unknown[] = []
  for await (const state of ai.readUIMessageStream({ stream: tee, onError: (error) => errors.push(error) })) message = state
  const text = message?.parts.map((p) => (p.type === 'text' ? p.text : '')).join('') ?? ''
  return { chunks, message, text, errors }
}

describe.each(clients)('with %s as the client', (_name, ai) => {
  it('streams the model answer: text equal to the upstream, start to finish, usage and model as metadata', async () => {
    const question = '[[words:30]] How do I associate a token?'
    const { chunks, message, text } = await ask(ai, model.http, [userMessage(question)])
    const upstream = fake.requests.find((r) => r.messages.at(-1)!.content!.endsWith(`My question: ${question}`))!
    expect(text).toBe(fake.answerFor(upstream.messages.at(-1)!.content!))
    const types = chunks.map((c) => c.type)
    expect(types.slice(0, 3)).toEqual(['start', 'start-step', 'text-start'])
    expect(types.slice(-3)).toEqual(['message-metadata', 'finish-step', 'finish'])
    expect(message!.metadata).toMatchObject({ model: 'gpt-4o', finishReason: 'stop', usage: { totalTokens: expect.any(Number) as number } })
  })

  it('grounds the answer: each knowledge source as a source-document part', async () => {
    const { message } = await ask(ai, model.http, [userMessage('How do I associate a token with an account?')])
    const sources = message!.parts.filter((p) => p.type === 'source-document')
    expect(sources.length).toBeGreaterThan(0)
    expect(sources.map((s) => s.sourceId)).toContain('guide:token-associate')
  })

  it('answers offline from the knowledge base, with its sources', async () => {
    const { text, message } = await ask(ai, offline.http, [userMessage('How do I associate a token with an account?', { type: 'general-assistant' })])
    expect(text).toMatch(/TokenAssociateTransaction/)
    expect(message!.parts.some((p) => p.type === 'source-document')).toBe(true)
  })

  it('reports an upstream failure after the start as an error chunk, never a silent end', async () => {
    const { chunks, text } = await ask(ai, model.http, [userMessage('[[mode:cut]] [[words:40]] this upstream dies')])
    expect(text.length).toBeGreaterThan(0)
    expect(chunks.map((c) => c.type).slice(-2)).toEqual(['text-end', 'error'])
    expect(chunks.at(-1)).toMatchObject({ type: 'error', errorText: expect.stringMatching(/\(upstream_error\)$/) as string })
  })
})

describe('the conversation', () => {
  it('gives the model the earlier text parts as history, and the editor state with the question', async () => {
    const chatId = fresh('chat')
    const earlier: aiV5.UIMessage[] = [
      { id: fresh('u'), role: 'user', parts: [{ type: 'text', text: 'first question' }] },
      {
        id: fresh('a'),
        role: 'assistant',
        parts: [
          { type: 'step-start' },
          { type: 'text', text: 'first answer' },
          { type: 'tool-proposeCode', toolCallId: 'call-1', state: 'output-available', input: { changes: [] }, output: { proposedChanges: [], appliedChanges: [] } },
          { type: 'source-document', sourceId: 'guide:x', mediaType: 'text/markdown', title: 'X' },
          { type: 'data-note', data: { any: 'thing' } },
        ],
      },
    ]
    const question = 'and the second?'
    await ask(aiV5, model.http, [...earlier, userMessage(question)], { chatId })
    const upstream = fake.requests.find((r) => r.messages.at(-1)!.content!.endsWith(`My question: ${question}`))!
    const turns = upstream.messages.filter((m) => m.role !== 'system')
    expect(turns.slice(0, 2)).toEqual([
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: 'first answer' },
    ])
    const last = turns.at(-1)!.content
    expect(last).toContain('Mode: execution-analysis. Language: typescript.')
    expect(last).toContain('>> 2 | await transfer.execute(client)')
    expect(last).toContain('TOKEN_NOT_ASSOCIATED_TO_ACCOUNT')
    // The status in the run output pulled the guide about that error into the grounding.
    expect(upstream.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n')).toContain('Token transfer errors')
  })
})

describe('the same editor state on every way in', () => {
  const lastContentOf = (question: string) => fake.whenReceived((r) => r.messages.at(-1)!.content!.endsWith(`My question: ${question}`)).then((r) => r.messages.at(-1)!.content!)

  it('the WebSocket chat frame carries it as metadata', async () => {
    const socket = await connect(model.ws)
    const question = '[[words:3]] over the socket'
    socket.send({ type: 'chat', content: question, messageId: fresh('m'), metadata: editor })
    const content = await lastContentOf(question)
    expect(content).toContain('Mode: execution-analysis. Language: typescript.')
    expect(content).toContain('TOKEN_NOT_ASSOCIATED_TO_ACCOUNT')
    socket.ws.close()
  })

  it('the native SSE body carries it as metadata', async () => {
    const question = '[[words:3]] over sse'
    await collectSse(await postChat(model.http, { content: question, metadata: { ...editor, type: 'code-review' } }))
    expect(await lastContentOf(question)).toContain('Mode: code-review.')
  })

  it('/v1/chat/completions carries it as the editor extension (the openai SDK passes it through)', async () => {
    const client = new OpenAI({ apiKey: 'unused', baseURL: `${model.http}/v1` })
    const question = '[[words:3]] over v1'
    // @ts-expect-error: `editor` is this server's extension of the request
    await client.chat.completions.create({ model: 'hedera-assistant', messages: [{ role: 'user', content: question }], editor: { type: 'general-assistant', language: 'go', code: 'package main' } })
    const content = await lastContentOf(question)
    expect(content).toContain('Mode: general-assistant. Language: go.')
    expect(content).toContain('1 | package main')
  })
})

describe('bad input', () => {
  const post = (body: unknown) => fetch(`${model.http}${CHAT}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const body = (messages: unknown[], extra: Record<string, unknown> = {}) => ({ id: fresh('chat'), trigger: 'submit-message', messages, ...extra })
  const cases: [string, unknown, string][] = [
    ['no metadata', body([{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'q' }] }]), 'messages.0.metadata'],
    ['another type', body([{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'q' }], metadata: { type: 'chat' } }]), 'messages.0.metadata.type'],
    ['a huge code', body([{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'q' }], metadata: { type: 'code-review', code: 'x'.repeat(100_001) } }]), 'messages.0.metadata.code'],
    ['a non-user last message', body([{ id: 'a1', role: 'assistant', parts: [{ type: 'text', text: 'q' }], metadata: editor }]), 'messages.0.role'],
    ['a part that is not an object', body([{ id: 'u1', role: 'user', parts: [7], metadata: editor }]), 'messages.0.parts.0'],
    ['a part without a type', body([{ id: 'u1', role: 'user', parts: [{ text: 'q' }], metadata: editor }]), 'messages.0.parts.0.type'],
    ['an id of the wrong shape', body([{ id: 'u 1', role: 'user', parts: [{ type: 'text', text: 'q' }], metadata: editor }]), 'messages.0.id'],
    ['too many messages', body(Array.from({ length: 201 }, (_, i) => ({ id: `u${i}`, role: 'user', parts: [{ type: 'text', text: 'q' }], metadata: editor }))), 'messages'],
    ['too many parts', body([{ id: 'u1', role: 'user', parts: Array.from({ length: 101 }, () => ({ type: 'text', text: 'q' })), metadata: editor }]), 'messages.0.parts'],
    ['a bad trigger', body([{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'q' }], metadata: editor }], { trigger: 'go' }), 'trigger'],
  ]

  it.each(cases)('%s: a 400 naming the field, with the Playground fields, nothing started upstream', async (_name, request, field) => {
    const before = fake.requests.length
    const response = await post(request)
    expect(response.status).toBe(400)
    const error = (await response.json()) as Record<string, unknown>
    expect(error).toMatchObject({ code: 'invalid_message', reason: 'invalid_message', statusCode: 400, details: { field } })
    expect(error.message).toBe(error.error)
    expect(String(error.error)).toContain(field)
    expect(fake.requests.length).toBe(before)
  })

  it('an oversized body is refused with 413 and the server stays healthy', async () => {
    const response = await post(body([{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'q' }], metadata: { type: 'code-review', code: 'x'.repeat(2_000_000) } }]))
    expect(response.status).toBe(413)
    expect((await fetch(`${model.http}/api/playground/assistant/health`)).status).toBe(200)
  })

  it('the native {content} body still gets the native SSE protocol on the same path', async () => {
    const response = await post({ content: '[[words:3]] native', metadata: { type: 'code-review', code: 'let a = 1' } })
    expect(response.headers.get('x-vercel-ai-ui-message-stream')).toBeNull()
    expect(await response.text()).toMatch(/^event: chat_start\n/)
  })
})
