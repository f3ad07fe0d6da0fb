/** Composes the offline answer (no model configured) from the best passages: markdown with numbered sources. */
import type { Source } from '../protocol/frames.js'
import type { ApiIndex } from '../knowledge/api-index.js'
import type { Guide, SdkLanguage } from '../knowledge/guide-file.js'
import { LANGUAGE_NAMES } from '../knowledge/languages.js'
import { sdkLabel, sourcesOf, type Passage } from '../knowledge/passages.js'

export const OFFLINE_MODEL = 'offline-knowledge-base'

/** The first line of every offline answer: plain about what answers, and how to get a model instead. */
export const OFFLINE_NOTICE =
  '> **No language model is configured**, so this answer is put together from the built-in knowledge base (task guides and the SDK reference), not written by a model. To get model answers, set `OPENAI_API_KEY` (or `OPENAI_API_KEY_SECRET`) and restart; `LLM_PROVIDER=offline|openai` picks one explicitly.\n\n'

export interface OfflineAnswer {
  /** The markdown after the notice. */
  body: string
  sources: Source[]
}

const MAX_SECTIONS = 2
const MAX_RELATED = 4
const MAX_METHODS = 12
const MAX_GUIDE_APIS = 6

export interface OfflineOptions {
  /** The API index of each language besides JavaScript's (`index`), for passages in that language. */
  indexes?: Partial<Record<SdkLanguage, ApiIndex>>
  /** A line put first (e.g. that the editor's language has no knowledge base of its own). */
  note?: string
}

/** `guides` may hold every language's guides (their ids differ); each passage is read with its own language's index. */
export function composeOfflineAnswer(passages: readonly Passage[], guides: Guide[], index: ApiIndex, question = '', options: OfflineOptions = {}): OfflineAnswer {
  const guideById = new Map(guides.map((g) => [g.id, g]))
  const indexOf = (language: SdkLanguage) => (language === 'javascript' ? index : (options.indexes?.[language] ?? index))
  const main = passages.find((p) => p.kind === 'guide')
  if (!main && passages.length === 0) return { body: nothingMatched(guides), sources: [] }
  const sources = sourcesOf(passages)
  const cite = (p: Passage) => `[${sources.findIndex((s) => s.kind === p.kind && s.id === p.sourceId) + 1}]`
  const parts: string[] = []
  if (options.note) parts.push(`${options.note}\n`)
  const language = passages[0]?.language ?? 'javascript'
  const statuses = statusesIn(question, indexOf(language))
  const separator = language === 'rust' ? '::' : '.'
  // A status code in the question: say which SDK constant it is, so the code can compare against it.
  if (statuses.length > 0) parts.push(`${statuses.map((m) => `\`${m.value}\` is \`Status${separator}${m.name}\``).join('; ')} in the SDK.\n`)
  if (main) {
    const guide = guideById.get(main.sourceId)!
    parts.push(`### ${guide.title} ${cite(main)}\n\n${guide.intro}\n`)
    const sections = passages.filter((p) => p.sourceId === guide.id && !p.id.endsWith('#intro')).slice(0, MAX_SECTIONS)
    // A question that matched only the intro still deserves the how-to: the guide's first section.
    const shown = sections.length > 0 ? sections.map((p) => guide.sections[Number(p.id.split('#')[1]) - 1]!) : guide.sections.slice(0, 1)
    for (const section of shown) parts.push(`#### ${section.heading}\n\n${section.text}\n`)
    if (guide.examples[0]) parts.push(`\`\`\`${LANGUAGE_NAMES[guide.language].fence}\n${guide.examples[0].trimEnd()}\n\`\`\`\n`)
    const own = indexOf(guide.language)
    parts.push(`SDK names used: ${guide.apis.map((a) => `\`${a}\``).join(', ')} (\`${own.sdk}\` ${own.version}${guide.language === 'javascript' ? '' : `, ${LANGUAGE_NAMES[guide.language].name}`}).\n`)
  }
  const related = passages.filter((p) => p.sourceId !== main?.sourceId)
  const relatedLines: string[] = []
  const seen = new Set<string>()
  for (const p of related) {
    if (seen.has(p.sourceId) || relatedLines.length >= MAX_RELATED) continue
    seen.add(p.sourceId)
    relatedLines.push(p.kind === 'guide' ? `- ${cite(p)} ${guideLine(guideById.get(p.sourceId)!)}` : `- ${cite(p)} ${apiLine(p.sourceId, indexOf(p.language), p.language === 'rust' ? '::' : '.')}`)
  }
  if (relatedLines.length > 0) parts.push(`${main ? '**See also**' : '**From the SDK reference**'}\n\n${relatedLines.join('\n')}\n`)
  // JavaScript's sources read as before; another SDK's say which one, so a Java answer is not taken for JavaScript.
  const jsLabel = sdkLabel(index)
  parts.push(`Sources: ${sources.map((s, n) => `[${n + 1}] ${s.kind === 'guide' ? `guide \`${s.id}\`` : `API \`${s.id}\``}${s.sdk && s.sdk !== jsLabel ? ` (${s.sdk})` : ''}`).join(', ')}`)
  return { body: parts.join('\n'), sources }
}

const MAX_STATUSES = 3

function statusesIn(question: string, index: ApiIndex): { name: string; value: string }[] {
  const codes = new Set(question.match(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g) ?? [])
  if (codes.size === 0) return []
  const members = index.enums.find((e) => e.name === 'Status')?.members ?? []
  return members.filter((m) => codes.has(m.value)).slice(0, MAX_STATUSES)
}

/** A related guide in one line: its title, what it is for, and the SDK names it uses. */
function guideLine(guide: Guide): string {
  return `**${guide.title}**: ${firstSentence(guide.intro)} Uses ${guide.apis.slice(0, MAX_GUIDE_APIS).map((a) => `\`${a}\``).join(', ')}.`
}

function apiLine(name: string, index: ApiIndex, separator = '.'): string {
  const entry = index.classes.find((c) => c.name === name)
  if (!entry) return `\`${name}\``
  const methods = entry.methods.filter((m) => !m.deprecated).slice(0, MAX_METHODS).map((m) => `\`${m.static ? `${name}${separator}` : '.'}${m.name}()\``)
  return `\`${name}\`${entry.summary ? `: ${entry.summary}` : '.'}${methods.length ? ` Methods include ${methods.join(', ')}.` : ''}${entry.deprecated ? ` Deprecated: ${entry.deprecated}` : ''}`
}

function firstSentence(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return /^(.+?[.!?])(\s|$)/.exec(flat)?.[1] ?? flat
}

/** Nothing matched: say so, list what the knowledge base covers, and how to get a model. */
function nothingMatched(guides: Guide[]): string {
  const topics = guides.map((g) => `- ${g.title}`).join('\n')
  return [
    'I found nothing in the knowledge base that matches this question. Ask about a Hedera task in your own words (for example "associate a token before receiving it" or "my ECDSA key gives INVALID_SIGNATURE"), or name an SDK class or status code.',
    '',
    `The guides cover:\n\n${topics}`,
    '',
    'For questions beyond these guides, configure a model: set `OPENAI_API_KEY` (or `OPENAI_API_KEY_SECRET`) and restart the server.',
  ].join('\n')
}
