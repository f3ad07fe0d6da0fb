/** Which SDK an answer is about: the editor's language, or the one a question names ("in Java", "with the Rust SDK"). */
import type { SdkLanguage } from './guide-file.js'

/** The editor's language names (the Playground sends typescript, javascript, java, go, rust) -> the SDK they use. */
const EDITOR_LANGUAGES: Record<string, SdkLanguage> = {
  typescript: 'javascript',
  javascript: 'javascript',
  ts: 'javascript',
  js: 'javascript',
  java: 'java',
  rust: 'rust',
}

/** Words that name a language in a question; `script` after java keeps "JavaScript" from reading as Java. */
const MENTIONS: [SdkLanguage, RegExp][] = [
  ['java', /\b(?:java(?!\s*script)|javac|maven|gradle|kotlin|com\.hedera\.hashgraph)\b|```java\b/i],
  ['rust', /\b(?:rust|cargo|hiero_sdk|hiero-sdk|tokio|crate)\b|```rust\b/i],
  ['javascript', /\b(?:javascript|typescript|node\.?js|npm|@hiero-ledger\/sdk|@hashgraph\/sdk)\b|```(?:ts|js|typescript|javascript)\b/i],
]

export interface LanguageChoice {
  /** The languages to answer in: one, unless the question names several (a comparison). */
  languages: SdkLanguage[]
  /** Set when the editor's language has no knowledge base of its own (Go): say which one answers instead. */
  note?: string
}

/** The editor's language as an SDK language; undefined when absent, `unsupported` for a language without a corpus. */
export function editorLanguage(editor: string | undefined): SdkLanguage | 'unsupported' | undefined {
  if (!editor?.trim()) return undefined
  return EDITOR_LANGUAGES[editor.trim().toLowerCase()] ?? 'unsupported'
}

/**
 * Characters read at each end of a long question for language names: what is asked sits before or after a pasted
 * log or file, and scanning all of a 200 kB paste three times cost 0.6 ms on the event loop.
 */
export const LANGUAGE_SCAN_CHARS = 2000

/** The languages named in the question (its first and last LANGUAGE_SCAN_CHARS), in the order of MENTIONS. */
export function mentionedLanguages(question: string): SdkLanguage[] {
  const text = question.length <= 2 * LANGUAGE_SCAN_CHARS ? question : `${question.slice(0, LANGUAGE_SCAN_CHARS)}\n${question.slice(-LANGUAGE_SCAN_CHARS)}`
  return MENTIONS.filter(([, pattern]) => pattern.test(text)).map(([language]) => language)
}

/**
 * A question that names languages is answered in those (it is explicit); otherwise in the editor's language;
 * otherwise in JavaScript, the SDK the knowledge base started with.
 */
export function chooseLanguages(question: string, editor?: string, available: ReadonlySet<SdkLanguage> = ALL): LanguageChoice {
  const named = mentionedLanguages(question)
  const fromEditor = editorLanguage(editor)
  if (named.length === 0 && fromEditor === 'unsupported')
    return { languages: ['javascript'], note: `The knowledge base has no ${capitalized(editor!.trim())} SDK reference (the Go SDK cannot be fetched by this build), so these passages describe the JavaScript SDK.` }
  const wanted = named.length > 0 ? named : [fromEditor === 'unsupported' ? 'javascript' : (fromEditor ?? 'javascript')]
  const missing = wanted.filter((l) => !available.has(l))
  const languages = wanted.filter((l) => available.has(l))
  if (missing.length === 0) return { languages }
  if (languages.length === 0) languages.push('javascript')
  return { languages, note: `This server's knowledge base has no ${missing.map((l) => LANGUAGE_NAMES[l].name).join(' or ')} reference, so these passages describe the ${languages.map((l) => LANGUAGE_NAMES[l].name).join(' and ')} SDK.` }
}

const ALL: ReadonlySet<SdkLanguage> = new Set(['javascript', 'java', 'rust'])

/** How a language is named in prose and in a code fence. */
export const LANGUAGE_NAMES: Record<SdkLanguage, { name: string; fence: string }> = {
  javascript: { name: 'JavaScript/TypeScript', fence: 'ts' },
  java: { name: 'Java', fence: 'java' },
  rust: { name: 'Rust', fence: 'rust' },
}

const capitalized = (word: string) => word.charAt(0).toUpperCase() + word.slice(1)
