/** The operator's report: the questions served worst, grouped by similar question (or by signal without content), with counts and sources. */
import { processTerm, tokenize } from '../knowledge/terms.js'
import { QUALITY_SIGNALS, type AnswerRecord, type QualitySignal } from './quality-store.js'

/** Terms beyond these add little to what a question is about, and split groups that belong together. */
const MAX_TERMS = 6
const MAX_EXAMPLES = 3
const MAX_SOURCES = 5

export interface QualityGroup {
  /** The normalised terms (with content), or the signals (without). */
  key: string
  answers: number
  signals: Partial<Record<QualitySignal, number>>
  upvoted: number
  reasons: Record<string, number>
  /** Up to three of the questions asked (only with LOG_CONTENT), and comments given with a down vote. */
  examples?: string[]
  comments?: string[]
  sources: { id: string; answers: number }[]
  lastAt: string
}

export interface QualityReport {
  since: string
  answers: number
  withSignals: number
  totals: Record<QualitySignal, number> & { upvoted: number }
  /** Worst first: most signals, then most answers. */
  groups: QualityGroup[]
  content: boolean
}

/** Similar questions share a key: the question's distinct stemmed terms (stop words dropped), sorted. */
export function questionKey(question: string): string[] {
  const terms = new Set<string>()
  // Lower-cased first: "NFTs" is a word here, not an identifier to split into "NF" and "Ts".
  for (const token of tokenize(question.toLowerCase())) {
    const term = processTerm(token)
    if (term) terms.add(term)
  }
  // The first terms say what is asked; sorted so word order does not split a group.
  return [...terms].slice(0, MAX_TERMS).sort()
}

export function buildQualityReport(records: AnswerRecord[], sinceMs: number, now: number): QualityReport {
  const totals = Object.fromEntries([...QUALITY_SIGNALS, 'upvoted'].map((s) => [s, 0])) as QualityReport['totals']
  const groups = new Map<string, QualityGroup & { sourceCounts: Map<string, number> }>()
  let content = false
  for (const record of records) {
    for (const signal of record.signals) totals[signal]++
    if (record.feedback?.rating === 'up') totals.upvoted++
    if (record.signals.length === 0) continue
    content ||= record.terms !== undefined
    const key = record.terms ? record.terms.join(' ') || '(no terms)' : [...record.signals].sort().join('+')
    const group = groups.get(key) ?? { key, answers: 0, signals: {}, upvoted: 0, reasons: {}, sources: [], sourceCounts: new Map<string, number>(), lastAt: new Date(record.at).toISOString() }
    groups.set(key, group)
    group.answers++
    for (const signal of record.signals) group.signals[signal] = (group.signals[signal] ?? 0) + 1
    if (record.feedback?.rating === 'up') group.upvoted++
    if (record.feedback?.reason) group.reasons[record.feedback.reason] = (group.reasons[record.feedback.reason] ?? 0) + 1
    if (record.question !== undefined && (group.examples ??= []).length < MAX_EXAMPLES && !group.examples.includes(record.question)) group.examples.push(record.question)
    if (record.feedback?.comment) (group.comments ??= []).push(record.feedback.comment)
    for (const source of record.sources) group.sourceCounts.set(source, (group.sourceCounts.get(source) ?? 0) + 1)
  }
  const sorted = [...groups.values()].map(({ sourceCounts, ...group }) => ({
    ...group,
    sources: [...sourceCounts].sort((a, b) => b[1] - a[1]).slice(0, MAX_SOURCES).map(([id, answers]) => ({ id, answers })),
  }))
  const weight = (g: QualityGroup) => Object.values(g.signals).reduce((n, c) => n + c, 0)
  sorted.sort((a, b) => weight(b) - weight(a) || b.answers - a.answers)
  return {
    since: new Date(now - sinceMs).toISOString(),
    answers: records.length,
    withSignals: records.filter((r) => r.signals.length > 0).length,
    totals,
    groups: sorted,
    content,
  }
}
