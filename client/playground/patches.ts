/** Patches on the editor's text: applying a placed change (1-based, inclusive lines) and the few lines of diff it shows. */
import type { AppliedChange } from '../src/protocol.js'

export interface PatchDiff {
  /** The first line of the file the change touches. */
  startLine: number
  removed: string[]
  added: string[]
}

function split(code: string): string[] {
  return code.replace(/\r\n?/g, '\n').split('\n')
}

/** The change's own lines ('' code adds or replaces with nothing; a trailing newline is not an extra line). */
function changeLines(change: AppliedChange): string[] {
  if (change.mode === 'delete' || change.code === '') return []
  return split(change.code.replace(/\r?\n$/, ''))
}

/** Whether the change's lines exist in this text (a patch for an older version of the file is refused). */
export function fits(text: string, change: AppliedChange): boolean {
  const count = split(text).length
  if (change.mode === 'add') return change.startLine >= 1 && change.startLine <= count + 1
  return change.startLine >= 1 && change.endLine >= change.startLine && change.endLine <= count
}

/** The text after the change: replace/delete cover startLine..endLine, add inserts before startLine. */
export function applyChange(text: string, change: AppliedChange): string {
  if (!fits(text, change)) throw new RangeError(`The change is for lines ${change.startLine}-${change.endLine}, which the editor's file no longer has`)
  const lines = split(text)
  const start = change.startLine - 1
  const removeCount = change.mode === 'add' ? 0 : change.endLine - change.startLine + 1
  lines.splice(start, removeCount, ...changeLines(change))
  return lines.join('\n')
}

/** What the change removes and adds, for a small diff under the answer. */
export function diffOf(text: string, change: AppliedChange): PatchDiff {
  const lines = split(text)
  const removed = change.mode === 'add' ? [] : lines.slice(change.startLine - 1, change.endLine)
  return { startLine: change.startLine, removed, added: changeLines(change) }
}

/** The placed changes of a `proposeCode` tool result (`output.appliedChanges`), keeping only well-formed ones. */
export function appliedChangesOf(output: unknown): AppliedChange[] {
  const list = (output as { appliedChanges?: unknown } | null)?.appliedChanges
  if (!Array.isArray(list)) return []
  return list.filter(function wellFormed(c: unknown): c is AppliedChange {
    const x = c as Partial<AppliedChange> | null
    return (
      !!x &&
      (x.mode === 'add' || x.mode === 'replace' || x.mode === 'delete') &&
      typeof x.code === 'string' &&
      Number.isInteger(x.startLine) &&
      Number.isInteger(x.endLine)
    )
  })
}
