/** The system prompt, the grounding context and the history window -> the model's messages. */
import { sourcesOf, type Passage } from '../knowledge/passages.js'
import type { ChatMessage } from '../llm/client.js'
import type { Source } from '../protocol/frames.js'

export const DEFAULT_SYSTEM_PROMPT = `You are the Hedera Playground assistant, an expert on building with Hedera.
Help developers write, debug and understand code for the Hedera network:
- The Hedera SDKs (JavaScript/TypeScript @hiero-ledger/sdk, which replaced @hashgraph/sdk; Java, Go, Rust, Swift, Python) and clients for testnet, previewnet and mainnet.
- Accounts: creation, keys (ED25519 and ECDSA secp256k1), aliases, auto-associations, allowances, multi-signature and threshold keys.
- The Hedera Token Service (HTS): fungible and non-fungible tokens, minting, burning, association, KYC and freeze keys, custom fees, supply keys.
- The Hedera Consensus Service (HCS): topics, submitting messages, ordering and mirror-node subscriptions.
- Smart contracts on the Hedera EVM (Solidity, Hardhat, Foundry, JSON-RPC relay), HTS system contracts and precompiles.
- Fees and throttles (HBAR, tinybars, transaction and query costs), scheduled transactions, the mirror node REST API, and HashScan.
Prefer testnet in examples, never ask for or print private keys, show complete runnable code with imports,
say which SDK version an API needs when it matters, and say so plainly when you are not sure.`

/** About 3000 tokens (4 characters a token): enough for a few guide sections and an example, never the whole reference. */
export const MAX_CONTEXT_CHARS = 12_000
const MAX_PASSAGE_CHARS = 2_500

export interface Grounding {
  /** The context block: numbered sources and how to use them. */
  block: string
  /** The sources in the block, in the order of their numbers. */
  sources: Source[]
}

const GROUNDING_HEAD =
  'Reference material from this assistant\'s knowledge base, chosen for the question (the SDK is @hiero-ledger/sdk). ' +
  'Prefer it over memory when they disagree, use only SDK names that appear in it or that you are sure exist, and cite the sources you use as [n]. ' +
  'If it does not cover the question, say so and answer from general knowledge.'

/** Each passage's text as the block shows it, made once per passage (passages live as long as the knowledge base). */
const passageTexts = new WeakMap<Passage, string>()
/**
 * Blocks already built, by the retrieval they came from: the knowledge base returns the same frozen array for the
 * same question and recent turns, so a retried or repeated question reuses its block instead of building it again.
 */
const groundings = new WeakMap<readonly Passage[], Grounding | null>()

function passageText(p: Passage): string {
  let text = passageTexts.get(p)
  if (text === undefined) {
    text = p.kind === 'guide' ? `${p.heading}\n${p.text}` : p.text
    passageTexts.set(p, text)
  }
  return text
}

/**
 * The context block for one question: passages grouped by source and numbered [1], [2]..., each source's text
 * cut to fit, added while the whole stays under MAX_CONTEXT_CHARS. Undefined when nothing was retrieved.
 */
export function buildGrounding(passages: readonly Passage[], maxChars = MAX_CONTEXT_CHARS): Grounding | undefined {
  const reusable = maxChars === MAX_CONTEXT_CHARS && Object.isFrozen(passages)
  const known = reusable ? groundings.get(passages) : undefined
  if (known !== undefined) return known ?? undefined
  const grounding = composeGrounding(passages, maxChars)
  if (reusable) groundings.set(passages, grounding ?? null)
  return grounding
}

function composeGrounding(passages: readonly Passage[], maxChars: number): Grounding | undefined {
  const sources: Source[] = []
  const blocks: string[] = []
  let used = GROUNDING_HEAD.length
  for (const source of sourcesOf(passages)) {
    const own = passages.filter((p) => p.kind === source.kind && p.sourceId === source.id)
    const n = sources.length + 1
    const label = source.kind === 'guide' ? `guide "${source.title}"` : `SDK reference: ${source.id}`
    let text = (own.length === 1 ? passageText(own[0]!) : own.map(passageText).join('\n\n')).slice(0, MAX_PASSAGE_CHARS)
    const example = own[0]?.example
    if (example && used + text.length + example.length < maxChars * 0.8) text += `\n\nExample:\n\`\`\`ts\n${example.trimEnd()}\n\`\`\``
    const entry = `[${n}] ${label}\n${text}`
    if (used + entry.length + 2 > maxChars) continue
    used += entry.length + 2
    sources.push(source)
    blocks.push(entry)
  }
  if (sources.length === 0) return undefined
  return { block: [GROUNDING_HEAD, ...blocks].join('\n\n'), sources }
}

/**
 * Builds the messages for one answer: system prompt, the grounding context (a second system message, so a
 * custom SYSTEM_PROMPT keeps it), then history (oldest first), then the new question. System messages in a
 * client's history (the OpenAI-compatible endpoint) come after the server's, never instead of them.
 */
export function buildMessages(systemPrompt: string, history: ChatMessage[], question: string, grounding?: Grounding): ChatMessage[] {
  return [
    { role: 'system', content: systemPrompt },
    ...(grounding ? [{ role: 'system' as const, content: grounding.block }] : []),
    ...history,
    { role: 'user', content: question },
  ]
}
