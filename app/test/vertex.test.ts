/**
 * LLM_PROVIDER=vertex against the real server: the fake OpenAI-compatible upstream stands in for Vertex AI's
 * endpoint (VERTEX_API_ENDPOINT), the fake metadata server issues expiring tokens, the official openai SDK asks.
 */
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMetadataTokenSource } from '../src/llm/google-token.js'
import { startFakeMetadata, type FakeMetadata } from './support/fake-metadata.js'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { manualClock, startTestServer, type TestServer } from './support/server.js'

let fake: FakeOpenAi
let metadata: FakeMetadata
beforeAll(async () => {
  ;[fake, metadata] = await Promise.all([startFakeOpenAi({ chunkDelayMs: 0 }), startFakeMetadata({ lifetimeS: 3600 })])
})
afterAll(async () => {
  await Promise.all([fake.close(), metadata.close()])
})

const vertexEnv = (extra: Record<string, string> = {}) => ({
  LLM_PROVIDER: 'vertex',
  VERTEX_PROJECT: 'demo-project',
  VERTEX_LOCATION: 'europe-west4',
  VERTEX_API_ENDPOINT: new URL(fake.url).origin,
  GCE_METADATA_HOST: metadata.host,
  OPENAI_RETRY_BASE_MS: '10',
  RESUME_GRACE_MS: '0',
  ...extra,
})

async function ask(srv: TestServer, question: string): Promise<{ text: string; usage: OpenAI.CompletionUsage | null | undefined }> {
  const sdk = new OpenAI({ baseURL: `${srv.http}/v1`, apiKey: 'unused-without-auth', maxRetries: 0 })
  const result = await sdk.chat.completions.create({ model: 'hedera-assistant', messages: [{ role: 'user', content: question }] })
  return { text: result.choices[0]!.message.content ?? '', usage: result.usage }
}

describe('LLM_PROVIDER=vertex', () => {
  it('answers through the project and location endpoint with a metadata server token that refreshes before it expires', async () => {
    const clock = manualClock(0)
    const srv = await startTestServer(vertexEnv(), { tokens: createMetadataTokenSource({ host: metadata.host, now: clock.now }) })
    try {
      const first = await ask(srv, 'How do I create a topic on Vertex?')
      expect(first.text).toBe(fake.answerFor('How do I create a topic on Vertex?'))
      const upstream = fake.requests.at(-1)!
      expect(upstream.path).toBe('/v1/projects/demo-project/locations/europe-west4/endpoints/openapi/chat/completions')
      expect(upstream.model).toBe('google/gemini-2.5-flash')
      const firstToken = metadata.issued.at(-1)!
      expect(upstream.authorization).toBe(`Bearer ${firstToken}`)

      await ask(srv, 'And a second question in the same hour?')
      expect(fake.requests.at(-1)!.authorization).toBe(`Bearer ${firstToken}`)

      clock.advance(3600_000 - 299_000) // within five minutes of the end: the next answer gets a new token
      await ask(srv, 'A question near the end of the token?')
      const refreshed = metadata.issued.at(-1)!
      expect(refreshed).not.toBe(firstToken)
      expect(fake.requests.at(-1)!.authorization).toBe(`Bearer ${refreshed}`)
    } finally {
      await srv.close()
    }
  })

  it('reads the token from GCE_METADATA_HOST when none is injected, and reports the provider in GET /api/info', async () => {
    const srv = await startTestServer(vertexEnv({ VERTEX_MODEL: 'google/gemini-2.5-pro' }))
    try {
      const info = (await (await fetch(`${srv.http}/api/info`)).json()) as { llm: { provider: string; model: string } }
      expect(info.llm).toEqual({ provider: 'vertex', model: 'google/gemini-2.5-pro' })
      await ask(srv, 'Which token do you carry?')
      expect(fake.requests.at(-1)!.authorization).toMatch(/^Bearer ya29\.fake-token-\d+$/)
      expect(fake.requests.at(-1)!.model).toBe('google/gemini-2.5-pro')
      expect(metadata.refusedWithoutFlavor).toBe(0)
    } finally {
      await srv.close()
    }
  })

  it('takes usage from the last chunk that carries it (Vertex sends it on every chunk)', async () => {
    const srv = await startTestServer(vertexEnv())
    try {
      const question = '[[mode:usage_each]] How are tokens counted?'
      const { usage } = await ask(srv, question)
      const upstream = fake.requests.at(-1)!
      const prompt = upstream.messages.reduce((n, m) => n + (m.content ?? '').split(/\s+/).length, 0)
      const completion = fake.chunksFor(question).length
      expect(usage).toEqual({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion })
    } finally {
      await srv.close()
    }
  })

  it('a metadata server that fails gives a clear upstream error naming the service account, and the server keeps serving', async () => {
    const srv = await startTestServer(vertexEnv({ OPENAI_MAX_RETRIES: '0' }), { tokens: createMetadataTokenSource({ host: metadata.host }) })
    metadata.fail()
    try {
      const error = await ask(srv, 'Will this get a token?').catch((e: unknown) => e)
      expect(error).toBeInstanceOf(OpenAI.APIError)
      expect(JSON.stringify((error as InstanceType<typeof OpenAI.APIError>).error)).toMatch(/metadata server answered HTTP 500/)
      metadata.restore()
      expect((await ask(srv, 'And now?')).text).toBe(fake.answerFor('And now?'))
    } finally {
      metadata.restore()
      await srv.close()
    }
  })

  it('refuses to start without a project and location, naming both settings', async () => {
    await expect(startTestServer({ LLM_PROVIDER: 'vertex' })).rejects.toThrow(/LLM_PROVIDER=vertex needs VERTEX_PROJECT and VERTEX_LOCATION/)
  })
})
