/**
 * The AI SDK UI message stream against the native SSE stream of the same server in the same invocation: many
 * HTTP clients asking in turn, rounds alternating between the two protocols. CPU per 1k tokens (the server's
 * process) and relay latency per token (from its upstream emit to the receipt of the chunk that completes it).
 */
import type { FakeOpenAi } from '../app/test/support/fake-openai.js'
import { cpuMs } from './proc-stats.js'

export type HttpProtocol = 'sse' | 'ai-sdk'

export interface ProtocolResult {
  protocol: HttpProtocol
  cpuMs: number
  tokens: number
  latencies: number[]
}

export interface ProtocolBenchOptions {
  /** http://127.0.0.1:<port> of the server. */
  base: string
  pid: number
  fake: FakeOpenAi
  clients: number
  chats: number
  tokens: number
  paceMs: number
  rounds: number
}

const CHAT = '/api/playground/assistant/chat'
const decoder = new TextDecoder()

/** The request body of one question in each protocol. */
function bodyOf(protocol: HttpProtocol, question: string, id: string): unknown {
  if (protocol === 'sse') return { content: question, messageId: id }
  return { id, trigger: 'submit-message', messages: [{ id: `u-${id}`, role: 'user', parts: [{ type: 'text', text: question }], metadata: { type: 'general-assistant' } }] }
}

/** The text a `data:` payload adds (a chat_delta's content, a text-delta's delta), else undefined. */
function textOf(protocol: HttpProtocol, event: string, data: string): string | undefined {
  if (protocol === 'sse') return event === 'chat_delta' ? (JSON.parse(data) as { content: string }).content : undefined
  if (data === '[DONE]') return undefined
  const chunk = JSON.parse(data) as { type: string; delta?: string; errorText?: string }
  if (chunk.type === 'error') throw new Error(chunk.errorText)
  return chunk.type === 'text-delta' ? chunk.delta : undefined
}

/** One question: streams the answer, records each token's latency, checks the text is exactly the upstream's. */
async function askOnce(options: ProtocolBenchOptions, protocol: HttpProtocol, key: string, result: ProtocolResult): Promise<void> {
  const { fake } = options
  const clean = `${key} q`
  const question = `[[words:${options.tokens - 2}]] [[delay:${options.paceMs}]] ${clean}`
  const pieces = fake.chunksFor(question)
  const response = await fetch(`${options.base}${CHAT}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(bodyOf(protocol, question, key.replace(/ /g, '-'))) })
  if (!response.ok || !response.body) throw new Error(`${key}: HTTP ${response.status} ${await response.text()}`)
  let emits: number[] | undefined
  let expected: string[] = pieces
  let boundaries: number[] = []
  let received = ''
  let next = 0
  let buffer = ''
  for await (const bytes of response.body) {
    const now = performance.now()
    buffer += decoder.decode(bytes as Uint8Array, { stream: true })
    let cut: number
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut)
      buffer = buffer.slice(cut + 2)
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message'
      const data = /^data: (.*)$/m.exec(block)?.[1]
      if (data === undefined) continue
      const text = textOf(protocol, event, data)
      if (text === undefined) continue
      if (!emits) {
        // The upstream saw the whole user message (with the editor block on the AI SDK path): its answer's pieces.
        const upstreamKey = [...fake.emits.keys()].find((k) => k.endsWith(clean))!
        emits = fake.emits.get(upstreamKey)!
        expected = fake.chunksFor(fake.requests.findLast((r) => r.messages.at(-1)!.content!.endsWith(clean))!.messages.at(-1)!.content!)
        let length = 0
        boundaries = expected.map((piece) => (length += piece.length))
      }
      received += text
      while (next < boundaries.length && received.length >= boundaries[next]!) result.latencies.push(now - emits[next++]!)
    }
  }
  if (received !== expected.join('')) throw new Error(`${key}: the answer text differs from what the upstream sent`)
  result.tokens += boundaries.length
}

async function round(options: ProtocolBenchOptions, protocol: HttpProtocol, tag: string): Promise<ProtocolResult> {
  const result: ProtocolResult = { protocol, cpuMs: 0, tokens: 0, latencies: [] }
  const before = cpuMs(options.pid)
  await Promise.all(
    Array.from({ length: options.clients }, async (_, c) => {
      for (let q = 0; q < options.chats; q++) await askOnce(options, protocol, `${tag} c${c} k${q}`, result)
    }),
  )
  result.cpuMs = cpuMs(options.pid) - before
  return result
}

/** Warm-up of each, then `rounds` rounds alternating which protocol goes first. */
export async function compareHttpProtocols(options: ProtocolBenchOptions): Promise<ProtocolResult[]> {
  const protocols: HttpProtocol[] = ['sse', 'ai-sdk']
  for (const protocol of protocols) await round({ ...options, chats: 1 }, protocol, `warmup-${protocol}`)
  const totals = protocols.map((protocol): ProtocolResult => ({ protocol, cpuMs: 0, tokens: 0, latencies: [] }))
  for (let r = 0; r < options.rounds; r++) {
    const order = r % 2 === 0 ? [0, 1] : [1, 0]
    for (const i of order) {
      const result = await round(options, protocols[i]!, `${protocols[i]}-r${r}`)
      totals[i]!.cpuMs += result.cpuMs
      totals[i]!.tokens += result.tokens
      for (const latency of result.latencies) totals[i]!.latencies.push(latency)
    }
  }
  for (const total of totals) total.latencies.sort((a, b) => a - b)
  return totals
}
