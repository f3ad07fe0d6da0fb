/**
 * Places `proposeCode` changes on the editor's file by their context lines: exact match first, then
 * whitespace-tolerant; a change whose context matches nowhere or in more than one place is refused, with why.
 */
import type { AppliedChange } from '../diagnostic.js'
import { splitLines } from '../source-text.js'
import type { ProposedChange } from './schema.js'

export interface RefusedChange {
  /** Index of the change in `proposedChanges`. */
  index: number
  reason: string
}

export interface PlacedChanges {
  proposedChanges: ProposedChange[]
  /** Placed changes, 1-based inclusive lines of the file as sent; `add` inserts before `startLine` (= endLine). */
  appliedChanges: AppliedChange[]
  /** Changes that could not be placed, each with the reason (for the model and the user). */
  refusedChanges: RefusedChange[]
}

interface Span {
  /** 0-based index of the first line strictly after contextBefore. */
  from: number
  /** 0-based index of the first line of contextAfter (or lines.length). */
  to: number
}

type Normalize = (line: string) => string

const exact: Normalize = (line) => line.trimEnd()
const loose: Normalize = (line) => line.replace(/\s+/g, ' ').trim()

/** Places every change against the same original text; later changes that overlap an earlier one are refused. */
export function placeChanges(fileText: string, changes: ProposedChange[]): PlacedChanges {
  const lines = splitLines(fileText)
  const appliedChanges: AppliedChange[] = []
  const refusedChanges: RefusedChange[] = []
  const taken: Span[] = []
  changes.forEach(function placeOne(change, index) {
    const placed = locate(lines, change)
    if ('reason' in placed) return refusedChanges.push({ index, reason: placed.reason })
    const { span } = placed
    const occupied = change.mode === 'add' ? { from: span.from, to: span.from } : span
    const clash = taken.find((t) => overlaps(t, occupied))
    if (clash) return refusedChanges.push({ index, reason: `it overlaps an earlier change (at line ${clash.from + 1})` })
    taken.push(occupied)
    appliedChanges.push(toApplied(change, span))
  })
  return { proposedChanges: changes, appliedChanges, refusedChanges }
}

/** Two placed changes conflict when their line ranges intersect, or an insertion falls inside a replaced range. */
function overlaps(a: Span, b: Span): boolean {
  const aPoint = a.from === a.to
  const bPoint = b.from === b.to
  if (aPoint && bPoint) return a.from === b.from
  if (aPoint) return a.from > b.from && a.from < b.to
  if (bPoint) return b.from > a.from && b.from < a.to
  return a.from < b.to && b.from < a.to
}

function toApplied(change: ProposedChange, span: Span): AppliedChange {
  const code = stripFinalNewline(change.code)
  // A replace whose context lines are adjacent covers no line: it is an insertion.
  if (change.mode === 'add' || (change.mode === 'replace' && span.from === span.to)) return { mode: 'add', code, startLine: span.from + 1, endLine: span.from + 1 }
  return { mode: change.mode, code: change.mode === 'delete' ? '' : code, startLine: span.from + 1, endLine: span.to }
}

function stripFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, '')
}

/** Context text -> its lines, without a final empty line and without leading/trailing blank lines. */
function contextLines(text: string): string[] {
  const out = splitLines(stripFinalNewline(text))
  while (out.length > 0 && out[0]!.trim() === '') out.shift()
  while (out.length > 0 && out.at(-1)!.trim() === '') out.pop()
  return out
}

function locate(lines: string[], change: ProposedChange): { span: Span } | { reason: string } {
  const before = contextLines(change.contextBefore)
  const after = contextLines(change.contextAfter)
  if (before.length === 0 && after.length === 0) return { reason: 'it has neither contextBefore nor contextAfter; give 2-3 unchanged lines around the change' }
  for (const [normalize, how] of [
    [exact, 'exactly'],
    [loose, 'ignoring whitespace'],
  ] as const) {
    const spans = candidates(lines, before, after, change.mode, normalize)
    if (spans.length === 1) return { span: spans[0]! }
    if (spans.length > 1) {
      const at = spans.slice(0, 5).map((s) => s.from + 1).join(', ')
      return { reason: `its context lines match ${how} in ${spans.length} places (before lines ${at}); give more distinctive context` }
    }
  }
  const missing = find(lines, before, loose).length === 0 ? 'contextBefore' : 'contextAfter'
  const extra = change.mode === 'add' && before.length > 0 && after.length > 0 ? ' (for "add", contextAfter must follow contextBefore, with only blank lines between)' : ''
  return { reason: `its ${missing} does not match the file's lines${extra}` }
}

/** 0-based indexes where `block` starts in `lines`, compared after `normalize`. */
function find(lines: string[], block: string[], normalize: Normalize): number[] {
  if (block.length === 0) return []
  const want = block.map(normalize)
  const found: number[] = []
  for (let i = 0; i + want.length <= lines.length; i++) {
    let ok = true
    for (let k = 0; k < want.length && ok; k++) ok = normalize(lines[i + k]!) === want[k]
    if (ok) found.push(i)
  }
  return found
}

/**
 * Every place the change can go. A missing contextBefore means "from the start of the file", a missing
 * contextAfter "to its end". For each contextAfter, the nearest contextBefore above it is taken.
 */
function candidates(lines: string[], before: string[], after: string[], mode: ProposedChange['mode'], normalize: Normalize): Span[] {
  const befores = before.length === 0 ? [0] : find(lines, before, normalize).map((i) => i + before.length)
  const afters = after.length === 0 ? [lines.length] : find(lines, after, normalize)
  const spans = new Map<number, Span>()
  for (const from of befores) {
    // An insertion needs contextAfter right below contextBefore (blank lines between are allowed).
    const to = mode === 'add' ? afters.find((j) => j >= from && lines.slice(from, j).every((l) => l.trim() === '')) : afters.find((j) => j >= from)
    if (to === undefined) continue
    const existing = spans.get(to)
    // Two contextBefore matches above one contextAfter: the nearer one frames the change.
    if (!existing || existing.from < from) spans.set(to, { from, to })
  }
  return [...spans.values()].sort((a, b) => a.from - b.from)
}
