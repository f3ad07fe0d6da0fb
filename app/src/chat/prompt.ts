/** The system prompt, the grounding context and the history window -> the model's messages. */
import { LANGUAGE_NAMES } from '../knowledge/languages.js'
import { sourcesOf, type Passage } from '../knowledge/passages.js'
import type { ChatMessage } from '../llm/client.js'
import { fixedMessage } from '../llm/request-body.js'
import type { EditorContext, EditorMode } from '../protocol/editor-context.js'
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
  /** The block as the system message that carries it; fixed, so its encoded bytes are made once (llm/request-body.ts). */
  message: ChatMessage
}

/** The head of a context block: which SDK it describes, and how to use it. */
function groundingHead(passages: readonly Passage[]): string {
  return (
    `Reference material from this assistant's knowledge base, chosen for the question (${sdkClause(passages)}). ` +
    'Prefer it over memory when they disagree, use only SDK names that appear in it or that you are sure exist, and cite the sources you use as [n]. ' +
    'If it does not cover the question, say so and answer from general knowledge.'
  )
}

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
  const head = groundingHead(passages)
  let used = head.length
  for (const source of sourcesOf(passages)) {
    const own = passages.filter((p) => p.kind === source.kind && p.sourceId === source.id)
    const n = sources.length + 1
    const label = source.kind === 'guide' ? `guide "${source.title}"` : `SDK reference: ${source.id}`
    let text = (own.length === 1 ? passageText(own[0]!) : own.map(passageText).join('\n\n')).slice(0, MAX_PASSAGE_CHARS)
    const example = own[0]?.example
    const fence = LANGUAGE_NAMES[own[0]?.language ?? 'javascript'].fence
    if (example && used + text.length + example.length < maxChars * 0.8) text += `\n\nExample:\n\`\`\`${fence}\n${example.trimEnd()}\n\`\`\``
    const entry = `[${n}] ${label}\n${text}`
    if (used + entry.length + 2 > maxChars) continue
    used += entry.length + 2
    sources.push(source)
    blocks.push(entry)
  }
  if (sources.length === 0) return undefined
  const block = [head, ...blocks].join('\n\n')
  return { block, sources, message: fixedMessage('system', block) }
}

/** Which SDK the material describes; for Java or Rust also which language to answer in, so the answer does not mix them. */
function sdkClause(passages: readonly Passage[]): string {
  const languages = [...new Set(passages.map((p) => p.language))]
  if (languages.length === 1 && languages[0] === 'javascript') return 'the SDK is @hiero-ledger/sdk'
  const sdks = [...new Set(passages.map((p) => p.sdk).filter(Boolean))].join(' and ')
  const names = languages.map((l) => LANGUAGE_NAMES[l].name).join(' and ')
  return `the SDK is ${sdks}; the user writes ${names}, so answer in ${names} with that SDK's names`
}

/**
 * Builds the messages for one answer: system prompt, the grounding context (a second system message, so a
 * custom SYSTEM_PROMPT keeps it), then history (oldest first), then the new question. System messages in a
 * client's history (the OpenAI-compatible endpoint) come after the server's, never instead of them.
 */
export function buildMessages(systemPrompt: string, history: ChatMessage[], question: string, grounding?: Grounding, editorBlock?: string): ChatMessage[] {
  return [
    systemMessage(systemPrompt),
    ...(grounding ? [grounding.message] : []),
    ...history,
    // The editor's file is the user's data, not instructions: it goes in the user's message, never a system one.
    { role: 'user', content: editorBlock ? `${editorBlock}\n\nMy question: ${question}` : question },
  ]
}

/** The last system prompt's message (a server has one prompt), fixed so its encoded bytes are made once. */
let lastSystemMessage: ChatMessage | undefined
function systemMessage(text: string): ChatMessage {
  if (lastSystemMessage?.content !== text) lastSystemMessage = fixedMessage('system', text)
  return lastSystemMessage
}

/** What of the editor state reaches the model: about 6,000 tokens of file and 1,500 of run output. */
export interface EditorPromptBudget {
  maxCodeChars: number
  maxOutputChars: number
}
export const EDITOR_PROMPT_BUDGET: EditorPromptBudget = { maxCodeChars: 24_000, maxOutputChars: 6_000 }
/** A longer line (minified code, a base64 blob) is cut: it says nothing a line number could point at. */
const MAX_LINE_CHARS = 400
/** The mark before the cursor's line number. */
export const CURSOR_MARK = '>>'

const MODE_TASK: Record<EditorMode, string> = {
  'general-assistant': 'Use the file and the run output as context when the question is about them; do not review the file unasked.',
  'code-review':
    'The user asks for a review of this file: point out bugs, Hedera pitfalls and improvements, each with the line numbers it concerns, most important first.',
  'execution-analysis':
    'The user ran this file and asks what happened: explain the run output (errors, Status codes), point to the lines that caused it, and show the fix.',
}

/**
 * The editor state as text for the model: the mode's task, the language, the file with line numbers and the
 * cursor's line marked, and the last run output. Bounded by `budget`: the file keeps the lines around the cursor,
 * the output its head and (longer) tail, and the text says what was left out.
 */
export function renderEditorContext(editor: EditorContext, budget: EditorPromptBudget = EDITOR_PROMPT_BUDGET): string {
  const language = editor.language ?? 'unknown'
  const parts = [`[Playground editor state. Mode: ${editor.type}. Language: ${language}.]`, MODE_TASK[editor.type]]
  if (editor.code.trim() === '') parts.push('The editor is empty.')
  else parts.push(renderFile(editor.code, language, editor.currentLine, budget.maxCodeChars))
  if (editor.output.trim() === '') parts.push('There is no run output (the file has not been run, or printed nothing).')
  else parts.push(renderOutput(editor.output, budget.maxOutputChars))
  return parts.join('\n\n')
}

/** The file numbered from 1, the cursor's line marked; when over budget, the window of lines around the cursor. */
function renderFile(code: string, language: string, currentLine: number | undefined, maxChars: number): string {
  const lines = code.replace(/\r\n?/g, '\n').split('\n')
  const width = String(lines.length).length
  const cursor = currentLine !== undefined && currentLine >= 1 && currentLine <= lines.length ? currentLine : undefined
  const rendered = lines.map(function numberLine(text, i) {
    const n = i + 1
    const cut = text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)} [… ${text.length - MAX_LINE_CHARS} more characters of this line left out]` : text
    return `${n === cursor ? CURSOR_MARK : ' '.repeat(CURSOR_MARK.length)} ${String(n).padStart(width)} | ${cut}`
  })
  const [from, to] = windowAround(rendered, (cursor ?? 1) - 1, maxChars)
  const shown = rendered.slice(from, to + 1)
  const fence = fenceFor(shown.join('\n'))
  const where = cursor ? `the cursor is on line ${cursor}, marked ${CURSOR_MARK}` : 'no cursor line was given'
  const head = `The file in the editor (${lines.length} line${lines.length === 1 ? '' : 's'}, numbered; ${where}):`
  const cutNote =
    from > 0 || to < lines.length - 1
      ? `\n[The file is longer than this assistant reads at once: only lines ${from + 1}-${to + 1} of ${lines.length}, around the ${cursor ? 'cursor' : 'start'}, are shown; ask the user for other lines if the answer needs them.]`
      : ''
  return `${head}\n${fence}${language}\n${shown.join('\n')}\n${fence}${cutNote}`
}

/** The widest run of lines around `center` whose text fits `maxChars` (one line at least). */
function windowAround(lines: string[], center: number, maxChars: number): [number, number] {
  let from = center
  let to = center
  let used = lines[center]!.length
  for (let grew = true; grew; ) {
    grew = false
    const below = lines[to + 1]
    if (below !== undefined && used + below.length + 1 <= maxChars) {
      to++
      used += below.length + 1
      grew = true
    }
    const above = lines[from - 1]
    if (above !== undefined && used + above.length + 1 <= maxChars) {
      from--
      used += above.length + 1
      grew = true
    }
  }
  return [from, to]
}

/** Terminal colour codes say nothing to a model. */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g

/** The run output; when over budget its head (a quarter) and its tail (the rest: errors come last), the cut named. */
function renderOutput(output: string, maxChars: number): string {
  const clean = output.replace(ANSI, '').replace(/\r\n?/g, '\n')
  let text = clean
  if (clean.length > maxChars) {
    const headChars = Math.floor(maxChars / 4)
    const tailChars = maxChars - headChars
    const left = clean.length - headChars - tailChars
    text = `${clean.slice(0, headChars)}\n[… ${left} characters of the middle of the output left out …]\n${clean.slice(-tailChars)}`
  }
  const fence = fenceFor(text)
  return `What the last run printed (stdout, stderr, the SDK's errors)${clean.length > maxChars ? `, cut from ${clean.length} characters` : ''}:\n${fence}text\n${text}\n${fence}`
}

/** A code fence longer than any run of backticks in the text, so the user's text cannot close it early. */
function fenceFor(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length))
  return '`'.repeat(longest + 1)
}

/** Hedera status names (`TOKEN_NOT_ASSOCIATED_TO_ACCOUNT`, `INVALID_SIGNATURE`): SCREAMING_SNAKE words of two parts or more. */
const STATUS_NAME = /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g
const MAX_STATUS_NAMES = 4

/** The status names in a run's output, most recent first (the last error is the one to explain). */
export function statusNamesIn(output: string): string[] {
  const found = [...output.matchAll(STATUS_NAME)].map((m) => m[0]).reverse()
  return [...new Set(found)].slice(0, MAX_STATUS_NAMES)
}

/**
 * The text knowledge retrieval searches for a question asked from the editor: the question, then the status
 * names in the run output (so an error pulls the guide about that error), then the cursor's line of code.
 */
export function retrievalQuery(question: string, editor?: EditorContext): string {
  if (!editor) return question
  const statuses = statusNamesIn(editor.output)
  const lines = editor.code.split('\n')
  const cursorLine = editor.currentLine ? lines[editor.currentLine - 1]?.trim().slice(0, MAX_LINE_CHARS) : undefined
  return [question, ...statuses, ...(cursorLine ? [cursorLine] : [])].join('\n')
}
