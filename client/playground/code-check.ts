/** Under an answer: the code check's findings and each placed patch as a small diff with an Apply button. */
import type { AppliedChange, CodeCheck } from '../src/protocol.js'
import type { CodeEditor } from './editor.js'
import { applyChange, diffOf, fits, type PatchDiff } from './patches.js'

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  node.className = className
  if (text !== undefined) node.textContent = text
  return node
}

function diffView(diff: PatchDiff): HTMLPreElement {
  const pre = el('pre', 'diff')
  const line = (prefix: string, text: string, kind: string) => pre.append(el('span', kind, `${prefix} ${text}\n`))
  for (const text of diff.removed) line('-', text, 'del')
  for (const text of diff.added) line('+', text, 'ins')
  return pre
}

function sameLines(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

/** One patch: its title, where it goes, the diff against the editor's text now, and Apply. */
export function patchView(editor: CodeEditor, change: AppliedChange, title: string): HTMLElement {
  const box = el('div', 'patch')
  box.dataset.startLine = String(change.startLine)
  const where = change.mode === 'add' ? `insert at line ${change.startLine}` : change.startLine === change.endLine ? `line ${change.startLine}` : `lines ${change.startLine}-${change.endLine}`
  box.append(el('p', 'patch-title', `${title} (${where})`))
  const text = editor.code()
  if (!fits(text, change)) {
    box.append(el('p', 'warning', 'This change is for lines the editor no longer has.'))
    return box
  }
  const diff = diffOf(text, change)
  const apply = el('button', 'apply', 'Apply')
  apply.type = 'button'
  apply.setAttribute('aria-label', `Apply: ${title}`)
  const status = el('span', 'patch-status')
  status.setAttribute('role', 'status')
  apply.addEventListener('click', function applyPatch() {
    const now = editor.code()
    // The lines the patch replaces must still be what the diff shows: never patch text the user has since edited.
    if (!fits(now, change) || !sameLines(diffOf(now, change).removed, diff.removed)) {
      status.textContent = 'The editor changed since this answer; this patch no longer fits.'
      return
    }
    editor.setCode(applyChange(now, change))
    apply.disabled = true
    status.textContent = 'Applied.'
  })
  box.append(diffView(diff), apply, status)
  return box
}

/** The code check of an answer: diagnostics listed (and underlined in the editor when they are of its file), patches with Apply. */
export function codeCheckView(editor: CodeEditor, check: CodeCheck): HTMLElement {
  const section = el('section', 'code-check')
  section.dataset.of = check.of
  section.setAttribute('aria-label', check.of === 'editor' ? 'Findings in your code' : "Findings in the answer's code")
  section.append(el('h3', '', check.of === 'editor' ? 'Your code' : "The answer's code"))
  if (check.diagnostics.length > 0) {
    const list = el('ul', 'diagnostics')
    for (const d of check.diagnostics) list.append(el('li', d.severity, `Line ${d.line}: ${d.message}`))
    section.append(list)
  } else if (!check.skipped) section.append(el('p', 'ending', 'No findings.'))
  if (check.skipped) section.append(el('p', 'ending', `Check skipped: ${check.skipped}`))
  // Patches of the answer's own code blocks are lines of those blocks, not of the editor: nothing to apply there.
  if (check.of === 'editor') for (const patch of check.patches) section.append(patchView(editor, patch, patch.title))
  return section
}
