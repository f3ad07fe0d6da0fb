/** The Status list's explanations: finds the SDK's Status names in a run output (or a bare name) and explains each from the notes and the guides. */
import type { KnowledgeBase } from '../knowledge/knowledge-base.js'
import type { OutputExplanation, StatusExplanation } from './code-checks.js'
import { guideUri } from './uris.js'
import { noteFor } from './status-notes.js'

/** Statuses explained per output: the first few are what went wrong; the rest are echoes. */
export const MAX_STATUSES = 5
export const MAX_SOURCES = 3
/** Characters before a status that say where it was reported (the SDK's error messages put it right before). */
const PHASE_WINDOW = 160

interface StatusMember {
  member: string
  value: string
}

export function createStatusExplainer(knowledge: Pick<KnowledgeBase, 'index' | 'guides'>): (text: string) => OutputExplanation {
  const members = knowledge.index.enums.find((e) => e.name === 'Status')?.members ?? []
  const byValue = new Map<string, StatusMember>(members.map((m) => [m.value, { member: m.name, value: m.value }]))
  const byMember = new Map<string, StatusMember>(members.map((m) => [m.name, { member: m.name, value: m.value }]))
  const byLower = new Map<string, StatusMember>(members.flatMap((m) => [[m.value.toLowerCase(), { member: m.name, value: m.value }], [m.name.toLowerCase(), { member: m.name, value: m.value }]] as const))

  const sourcesOf = statusSources(knowledge)

  function find(text: string): { status: StatusMember; at: number }[] {
    const bare = byLower.get(text.trim().replace(/^Status\./, '').toLowerCase())
    if (bare) return [{ status: bare, at: 0 }]
    const found: { status: StatusMember; at: number }[] = []
    for (const match of text.matchAll(/\bStatus\.([A-Z]\w+)|\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{2,})\b/g)) {
      const status = match[1] ? byMember.get(match[1]) : byValue.get(match[2]!)
      if (status) found.push({ status, at: match.index })
    }
    return found
  }

  return function explainOutput(text) {
    const seen = new Set<string>()
    const statuses: StatusExplanation[] = []
    for (const { status, at } of find(text)) {
      if (seen.has(status.value)) continue
      seen.add(status.value)
      const note = noteFor(status.value)
      statuses.push({ status: status.value, member: `Status.${status.member}`, phase: phaseOf(text.slice(Math.max(0, at - PHASE_WINDOW), at)), meaning: note.meaning, likelyCause: note.cause, remedy: note.remedy, sources: sourcesOf(status.value) })
      if (statuses.length >= MAX_STATUSES) break
    }
    if (statuses.length > 0) return { statuses }
    return { statuses, note: 'The text names no status of the SDK\'s Status list (e.g. INVALID_SIGNATURE or Status.InvalidSignature); for other errors use search_knowledge with the error message.' }
  }
}

/** The guides that cover a status (a section headed by it first, then those that tag it), as resource URIs. */
export function statusSources(knowledge: Pick<KnowledgeBase, 'guides'>): (status: string) => StatusExplanation['sources'] {
  return function sourcesOf(status) {
    const covering = knowledge.guides.filter((g) => g.tags.includes(status) || g.sections.some((s) => s.heading === status))
    // A guide with a section headed by the status is about it; one that only tags it comes after.
    covering.sort((a, b) => Number(b.sections.some((s) => s.heading === status)) - Number(a.sections.some((s) => s.heading === status)))
    return covering.slice(0, MAX_SOURCES).map((g) => ({ uri: guideUri(g.id), title: g.title }))
  }
}

/** The SDK says "failed precheck with status X" (PrecheckStatusError) or "receipt ... contained error status X". */
function phaseOf(before: string): StatusExplanation['phase'] {
  const lastLine = before.slice(before.lastIndexOf('\n') + 1)
  if (/precheck/i.test(lastLine)) return 'precheck'
  if (/receipt|record/i.test(lastLine)) return 'receipt'
  return 'unknown'
}
