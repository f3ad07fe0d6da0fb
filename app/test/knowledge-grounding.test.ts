/** Grounding end to end: the context block reaches the model's request; sources and apiCheck reach chat_complete. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_SYSTEM_PROMPT, MAX_CONTEXT_CHARS } from '../src/chat/prompt.js'
import type { CompleteMetadata, ServerFrame } from '../src/protocol/frames.js'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'
import { connect } from './support/ws-client.js'

let fake: FakeOpenAi
const servers: TestServer[] = []
beforeAll(async () => {
  fake = await startFakeOpenAi({ answerWords: 3 })
})
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()))
  await fake.close()
})

async function server(extra: Record<string, string> = {}): Promise<TestServer> {
  const srv = await startTestServer(upstreamEnv(fake.url, extra))
  servers.push(srv)
  return srv
}

async function ask(srv: TestServer, content: string, messageId: string, language?: string): Promise<{ frames: ServerFrame[]; metadata: CompleteMetadata; request: FakeOpenAi['requests'][number] }> {
  const socket = await connect(srv.ws)
  socket.send({ type: 'chat', content, messageId, ...(language ? { language } : {}) })
  const frames = await socket.answer(messageId)
  socket.close()
  const request = fake.requests.findLast((r) => r.messages.at(-1)?.content === content)!
  return { frames, metadata: frames.at(-1)!.metadata as CompleteMetadata, request }
}

describe('grounded model answers', () => {
  it('puts a bounded, numbered context block chosen for the question between the prompt and the question', async () => {
    const srv = await server()
    const { metadata, request } = await ask(srv, 'the receiver gets TOKEN_NOT_ASSOCIATED_TO_ACCOUNT, what do I do?', 'g-1')
    expect(request.messages[0]).toEqual({ role: 'system', content: DEFAULT_SYSTEM_PROMPT })
    const context = request.messages[1]!
    expect(context.role).toBe('system')
    expect(context.content).toMatch(/Prefer it over memory.*cite the sources you use as \[n\]/)
    expect(context.content).toMatch(/^\[1\] guide "/m)
    expect(context.content).toContain('TokenAssociateTransaction')
    expect(context.content!.length).toBeLessThanOrEqual(MAX_CONTEXT_CHARS)
    expect(request.messages.at(-1)).toEqual({ role: 'user', content: 'the receiver gets TOKEN_NOT_ASSOCIATED_TO_ACCOUNT, what do I do?' })
    // The sources in chat_complete are the numbered ones, in their order.
    expect(metadata.model).toBe('gpt-4o')
    expect(metadata.sources![0]).toMatchObject({ id: 'token-associate', kind: 'guide' })
    for (const [n, source] of metadata.sources!.entries()) expect(context.content).toContain(`[${n + 1}] ${source.kind === 'guide' ? `guide "${source.title}"` : `SDK reference: ${source.id}`}`)
    expect(metadata.apiCheck).toEqual({ checked: 0, unknown: [] })
  })

  it("grounds a Java or Rust editor's question in that SDK's passages, not the JavaScript ones", async () => {
    const srv = await server()
    for (const [language, sdk, code] of [['java', 'com.hedera.hashgraph:sdk', 'new TokenCreateTransaction()'], ['rust', 'hiero-sdk', 'TokenCreateTransaction::new()']] as const) {
      const { metadata, request } = await ask(srv, 'how do I create a fungible token?', `g-lang-${language}`, language)
      expect(metadata.sources!.length).toBeGreaterThan(0)
      for (const source of metadata.sources!) expect(source.sdk, `${language}: ${source.id}`).toMatch(new RegExp(`^${sdk} `))
      expect(request.messages[1]!.content).toContain(code)
    }
  })

  it('checks the SDK names in the model answer and reports the ones that do not exist', async () => {
    const srv = await server()
    // The fake upstream echoes the start of the question, so this answer holds a code block with a made-up method.
    const { metadata } = await ask(srv, '\n```ts\nPrivateKey.fromStringEcdsa(k)\n', 'g-2')
    expect(metadata.apiCheck).toEqual({ checked: 1, unknown: ['PrivateKey.fromStringEcdsa'] })
  })

  it('SYSTEM_PROMPT replaces the prompt and the grounding stays', async () => {
    const srv = await server({ SYSTEM_PROMPT: 'You are terse.' })
    const { request, metadata } = await ask(srv, 'how do I associate a token with an account', 'g-3')
    expect(request.messages[0]).toEqual({ role: 'system', content: 'You are terse.' })
    expect(request.messages[1]!.content).toMatch(/^Reference material/)
    expect(metadata.sources!.length).toBeGreaterThan(0)
  })

  it('KNOWLEDGE_ENABLED=false sends no context and no sources; the API check still runs', async () => {
    const srv = await server({ KNOWLEDGE_ENABLED: 'false' })
    const { request, metadata } = await ask(srv, 'how do I associate a token with an account', 'g-4')
    expect(request.messages.filter((m) => m.role === 'system')).toEqual([{ role: 'system', content: DEFAULT_SYSTEM_PROMPT }])
    expect(metadata.sources).toBeUndefined()
    expect(metadata.apiCheck).toEqual({ checked: 0, unknown: [] })
  })

  it('GET /api/info names the model provider', async () => {
    const srv = await server()
    const info = (await (await fetch(`${srv.http}/api/info`)).json()) as { llm: unknown }
    expect(info.llm).toEqual({ provider: 'openai', model: 'gpt-4o' })
  })

  it('LLM_PROVIDER=offline answers from the knowledge base even with a key, and never calls the model', async () => {
    const srv = await server({ LLM_PROVIDER: 'offline' })
    const before = fake.requests.length
    const socket = await connect(srv.ws)
    socket.send({ type: 'chat', content: 'associate a token', messageId: 'g-6' })
    const frames = await socket.answer('g-6')
    socket.close()
    expect((frames.at(-1)!.metadata as CompleteMetadata).model).toBe('offline-knowledge-base')
    expect(fake.requests.length).toBe(before)
  })
})
