/**
 * Code review and run analysis through the real server: offline (no key) the server's own checks answer; with a
 * model, the findings go into its context, proposeCode is placed on the editor's lines by the server, and the
 * answer's own code is checked.
 */
import * as ai from 'ai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CompleteMetadata, ServerFrame } from '../src/protocol/frames.js'
import { startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js'
import { collectSse, postChat } from './support/sse-client.js'
import { startTestServer, upstreamEnv, type TestServer } from './support/server.js'

const OLD_IMPORT = [
  "import { Client, Hbar, TransferTransaction } from '@hashgraph/sdk'",
  'const client = Client.forTestnet().setOperator(process.env.OPERATOR_ID!, process.env.OPERATOR_KEY!)',
  "const r = await new TransferTransaction().addHbarTransfer('0.0.2', new Hbar(-1)).addHbarTransfer('0.0.3', new Hbar(1)).execute(client)",
  'console.log((await r.getReceipt(client)).status.toString())',
].join('\n')

const CORRECT = OLD_IMPORT.replace('@hashgraph/sdk', '@hiero-ledger/sdk')

/** The model's proposeCode call: replace line 1, located by the line after it. */
const PROPOSAL = JSON.stringify({
  changes: [{ mode: 'replace', code: "import { Client, Hbar, TransferTransaction } from '@hiero-ledger/sdk'", contextBefore: '', contextAfter: 'const client = Client.forTestnet().setOperator(process.env.OPERATOR_ID!, process.env.OPERATOR_KEY!)' }],
})

let fake: FakeOpenAi
let offline: TestServer
let model: TestServer

beforeAll(async () => {
  fake = await startFakeOpenAi({ toolCalls: { review: [{ name: 'proposeCode', arguments: PROPOSAL }] } })
  offline = await startTestServer({ LLM_PROVIDER: 'offline' })
  model = await startTestServer(upstreamEnv(fake.url))
}, 60_000)
afterAll(async () => {
  await Promise.all([offline?.close(), model?.close()])
  await fake?.close()
})

async function askSse(srv: TestServer, content: string, metadata: unknown): Promise<{ frames: ServerFrame[]; text: string; metadata: CompleteMetadata }> {
  const response = await postChat(srv.http, { content, metadata })
  expect(response.status).toBe(200)
  const frames = (await collectSse(response)).map((e) => e.frame)
  const complete = frames.find((f) => f.type === 'chat_complete')
  expect(complete, JSON.stringify(frames.at(-1))).toBeDefined()
  return { frames, text: frames.map((f) => (f.type === 'chat_delta' ? f.content : '')).join(''), metadata: complete!.metadata as CompleteMetadata }
}

describe('code review offline (no key): the server reviews with its own checks', () => {
  it('finds the old import on line 1 and proposes the certain fix, in the answer and in metadata.codeCheck', async () => {
    const { text, metadata } = await askSse(offline, 'Review my code', { type: 'code-review', language: 'typescript', currentLine: 1, code: OLD_IMPORT, output: '' })
    expect(metadata.codeCheck?.of).toBe('editor')
    const diagnostic = metadata.codeCheck!.diagnostics.find((d) => d.source === 'rule:old-sdk-import')
    expect(diagnostic).toMatchObject({ line: 1, rule: 'old-sdk-import' })
    expect(metadata.codeCheck!.patches).toContainEqual(expect.objectContaining({ mode: 'replace', startLine: 1, endLine: 1, code: "import { Client, Hbar, TransferTransaction } from '@hiero-ledger/sdk'" }))
    expect(text).toContain('@hiero-ledger/sdk')
    expect(text).toMatch(/line 1/i)
  }, 90_000)

  it('finds nothing wrong in the corrected program: no error and no patch', async () => {
    const { metadata } = await askSse(offline, 'Review my code', { type: 'code-review', language: 'typescript', code: CORRECT, output: '' })
    expect(metadata.codeCheck!.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    expect(metadata.codeCheck!.patches).toEqual([])
  }, 90_000)

  it('explains a run that failed with a receipt status, naming the line the transaction runs on', async () => {
    const output = 'ReceiptStatusError: receipt for transaction 0.0.2@1700000000.000000000 contained error status TOKEN_NOT_ASSOCIATED_TO_ACCOUNT'
    const { text, metadata } = await askSse(offline, 'Why did my run fail?', { type: 'execution-analysis', language: 'typescript', code: CORRECT, output })
    expect(text).toContain('TOKEN_NOT_ASSOCIATED_TO_ACCOUNT')
    expect(text).toMatch(/associat/i)
    expect(metadata.codeCheck?.of).toBe('editor')
  }, 90_000)

  it('gives the AI SDK client the findings as a data-diagnostics part', async () => {
    const transport = new ai.DefaultChatTransport({ api: `${offline.http}/api/playground/assistant/chat` })
    const metadata = { type: 'code-review', language: 'typescript', currentLine: 1, code: OLD_IMPORT, output: '' }
    const stream = await transport.sendMessages({ chatId: `review-${Date.now()}`, messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Review my code' }], metadata }], trigger: 'submit-message', messageId: undefined, abortSignal: undefined })
    let message: ai.UIMessage | undefined
    for await (const state of ai.readUIMessageStream({ stream })) message = state
    const part = message!.parts.find((p) => p.type === 'data-diagnostics') as { data: { diagnostics: { line: number; source: string }[] } } | undefined
    expect(part?.data.diagnostics).toContainEqual(expect.objectContaining({ line: 1, source: 'rule:old-sdk-import' }))
  }, 90_000)
})

describe('code review with a model', () => {
  it('puts the findings in its context, places its proposeCode change on line 1, and lets it explain in a second step', async () => {
    const question = '[[tools:review]] Review my code'
    const { frames, text, metadata } = await askSse(model, question, { type: 'code-review', language: 'typescript', currentLine: 1, code: OLD_IMPORT, output: '' })
    const tool = frames.find((f) => f.type === 'chat_tool')?.tool
    expect(tool).toMatchObject({ toolName: 'proposeCode', output: { appliedChanges: [{ mode: 'replace', startLine: 1, endLine: 1 }] } })
    // The tool frame comes before the explanation's deltas, numbered in the same sequence.
    const seqs = frames.filter((f) => f.seq !== undefined).map((f) => f.seq)
    expect(seqs).toEqual(seqs.map((_, i) => i))
    const [first, second] = fake.requests.filter((r) => r.messages.some((m) => m.content?.includes('[[tools:review]]')))
    // The explanation is the second step's answer (the fake answers the user message, editor state included).
    expect(text).toBe(fake.answerFor([...second!.messages].reverse().find((m) => m.role === 'user')!.content!))
    expect(first!.tools).toEqual(['proposeCode'])
    expect(JSON.stringify(first!.messages)).toContain('old-sdk-import')
    expect(second!.messages.at(-1)).toMatchObject({ role: 'tool' })
    expect(metadata.codeCheck!.diagnostics.some((d) => d.line === 1)).toBe(true)
  }, 90_000)

  it("checks the answer's own TypeScript and reports what is wrong in it", async () => {
    const { metadata } = await askSse(model, '[[answer:oldimport]] How do I transfer hbar?', undefined)
    expect(metadata.answerCheck?.of).toBe('answer')
    expect(metadata.answerCheck!.diagnostics).toContainEqual(expect.objectContaining({ source: 'rule:old-sdk-import' }))
  }, 90_000)
})
