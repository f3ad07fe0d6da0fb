/** Java and Rust through the real server, offline: the editor's language (or the question's) picks the SDK the answer describes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CompleteMetadata, ServerFrame } from '../src/protocol/frames.js'
import { startTestServer, type TestServer } from './support/server.js'
import { collectSse, postChat } from './support/sse-client.js'
import { connect, deltaText } from './support/ws-client.js'

let srv: TestServer
beforeAll(async () => {
  srv = await startTestServer({})
})
afterAll(async () => {
  await srv.close()
})

const metadataOf = (frames: ServerFrame[]) => frames.at(-1)!.metadata as CompleteMetadata

async function askWs(content: string, messageId: string, language?: string) {
  const socket = await connect(srv.ws)
  socket.send({ type: 'chat', content, messageId, ...(language ? { language } : {}) })
  const frames = await socket.answer(messageId)
  socket.close()
  return { text: deltaText(frames), metadata: metadataOf(frames) }
}

describe('answers in the editor language', () => {
  it('a Java editor gets the Java guide: Java code, the Java SDK class, sources naming the Java SDK and version', async () => {
    const { text, metadata } = await askWs('how do I create a fungible token?', 'java-1', 'java')
    expect(text).toMatch(/```java\n[\s\S]*import com\.hedera\.hashgraph\.sdk\.TokenCreateTransaction;[\s\S]*new TokenCreateTransaction\(\)[\s\S]*```/)
    expect(text).not.toContain('```ts')
    expect(text).toContain('(`com.hedera.hashgraph:sdk` 2.59.0, Java)')
    expect(metadata.sources![0]).toEqual({ id: 'java-token-create', title: 'Create a fungible token in Java', kind: 'guide', sdk: 'com.hedera.hashgraph:sdk 2.59.0' })
    // No source of another language slips in.
    expect(metadata.sources!.every((s) => s.sdk === 'com.hedera.hashgraph:sdk 2.59.0')).toBe(true)
    expect(metadata.apiCheck!.checked).toBeGreaterThan(5)
    expect(metadata.apiCheck!.unknown).toEqual([])
  })

  it('a Rust editor gets the Rust guide with snake_case builders, async/await and the crate version', async () => {
    const { text, metadata } = await askWs('associate a token with my account before receiving it', 'rust-1', 'rust')
    expect(text).toMatch(/```rust\n[\s\S]*use hiero_sdk::\{[^}]*TokenAssociateTransaction[^}]*\};[\s\S]*TokenAssociateTransaction::new\(\)[\s\S]*\.token_ids\(\[token_id\]\)[\s\S]*\.await\?[\s\S]*```/)
    expect(metadata.sources![0]).toMatchObject({ id: 'rust-token-associate', kind: 'guide', sdk: 'hiero-sdk 0.45.0' })
    expect(metadata.sources!.every((s) => s.sdk === 'hiero-sdk 0.45.0')).toBe(true)
    expect(metadata.apiCheck!.unknown).toEqual([])
  })

  it("the editor state's language (the Playground's metadata) picks the SDK like the language field", async () => {
    const res = await postChat(srv.http, { content: 'How do I transfer hbar?', messageId: 'sse-java-editor', metadata: { type: 'general-assistant', language: 'java', code: '', output: '' } })
    expect(res.status).toBe(200)
    const events = await collectSse(res)
    const metadata = events.at(-1)!.frame.metadata as CompleteMetadata
    expect(metadata.sources![0]).toMatchObject({ id: 'java-hbar-transfer', sdk: 'com.hedera.hashgraph:sdk 2.59.0' })
  })

  it('without an editor language, "in Java" in the question is enough; over SSE too', async () => {
    const res = await postChat(srv.http, { content: 'How do I transfer hbar in Java?', messageId: 'sse-java' })
    expect(res.status).toBe(200)
    const events = await collectSse(res)
    const metadata = events.at(-1)!.frame.metadata as CompleteMetadata
    expect(metadata.sources![0]).toMatchObject({ id: 'java-hbar-transfer', sdk: 'com.hedera.hashgraph:sdk 2.59.0' })
    const text = events.filter((e) => e.event === 'chat_delta').map((e) => e.frame.content).join('')
    expect(text).toContain('.addHbarTransfer(')
  })

  it('a Rust status question names the Rust enum variant', async () => {
    const { text, metadata } = await askWs('my token transfer fails with TOKEN_NOT_ASSOCIATED_TO_ACCOUNT', 'rust-status', 'rust')
    expect(text).toContain('`TOKEN_NOT_ASSOCIATED_TO_ACCOUNT` is `Status::TokenNotAssociatedToAccount`')
    expect(metadata.sources!.every((s) => s.sdk === 'hiero-sdk 0.45.0')).toBe(true)
  })

  it('JavaScript stays the default, and the typescript editor gets it too', async () => {
    for (const [language, id] of [[undefined, 'js-default'], ['typescript', 'js-ts']] as const) {
      const { text, metadata } = await askWs('how do I create a fungible token?', id, language)
      expect(text).toMatch(/```ts\n[\s\S]*from '@hiero-ledger\/sdk'/)
      expect(metadata.sources![0]).toMatchObject({ id: 'token-create-fungible', sdk: '@hiero-ledger/sdk 2.87.0' })
    }
  })

  it('a Go editor is told plainly that the answer describes the JavaScript SDK', async () => {
    const { text, metadata } = await askWs('how do I create a fungible token?', 'go-1', 'go')
    expect(text).toContain('The knowledge base has no Go SDK reference')
    expect(metadata.sources![0]!.sdk).toBe('@hiero-ledger/sdk 2.87.0')
  })

  it('a bad language field is refused with a message naming it, and the connection stays usable', async () => {
    const socket = await connect(srv.ws)
    socket.send({ type: 'chat', content: 'hi', messageId: 'bad-lang', language: 42 })
    const error = await socket.next((f) => f.type === 'error')
    expect(error.error).toMatch(/language/)
    socket.send({ type: 'chat', content: 'how do I check a balance in Rust?', messageId: 'after-bad' })
    const frames = await socket.answer('after-bad')
    expect(metadataOf(frames).sources![0]).toMatchObject({ id: 'rust-account-balance' })
    socket.close()
  })
})
