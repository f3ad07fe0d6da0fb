/** The code editor pane: CodeMirror 6 with the chosen language, the cursor line, and diagnostics underlined (lint). */
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands'
import { bracketMatching, defaultHighlightStyle, indentOnInput, StreamLanguage, syntaxHighlighting } from '@codemirror/language'
import { java } from '@codemirror/legacy-modes/mode/clike'
import { go } from '@codemirror/legacy-modes/mode/go'
import { javascript, typescript } from '@codemirror/legacy-modes/mode/javascript'
import { rust } from '@codemirror/legacy-modes/mode/rust'
import { lintGutter, setDiagnostics, type Diagnostic as LintDiagnostic } from '@codemirror/lint'
import { Compartment, EditorState, type Extension, type Text } from '@codemirror/state'
import { EditorView, drawSelection, highlightActiveLine, keymap, lineNumbers, placeholder } from '@codemirror/view'
import type { Diagnostic } from '../src/protocol.js'

export const EDITOR_LANGUAGES = ['typescript', 'javascript', 'java', 'rust', 'go'] as const
export type EditorLanguage = (typeof EDITOR_LANGUAGES)[number]

/**
 * CodeMirror's stream modes, not its Lezer grammars: the five Lezer grammars alone are about 90 KB gzipped and
 * would push the page over its 200 KB budget; the editor only highlights (the server does the real checking).
 */
const MODES = { typescript, javascript, java, rust, go }

function languageSupport(language: EditorLanguage): Extension {
  return StreamLanguage.define(MODES[language])
}

export interface CodeEditor {
  view: EditorView
  code(): string
  /** Replaces the text; a minimal change, so one undo step restores it. */
  setCode(code: string): void
  /** The cursor's 1-based line. */
  currentLine(): number
  setLanguage(language: EditorLanguage): void
  /** Underlines the server's diagnostics (1-based lines and columns of this file); [] clears them. */
  showDiagnostics(diagnostics: Diagnostic[]): void
}

/** A 1-based line and column as an offset in the document, clamped to the document. */
function offsetOf(doc: Text, line: number, column: number): number {
  const l = doc.line(Math.min(Math.max(line, 1), doc.lines))
  return Math.min(l.from + Math.max(column - 1, 0), l.to)
}

function toLint(doc: Text, d: Diagnostic): LintDiagnostic {
  const from = offsetOf(doc, d.line, d.column)
  let to = offsetOf(doc, d.endLine, d.endColumn)
  // An empty range would draw nothing to see: underline the rest of the line instead.
  if (to <= from) to = doc.lineAt(from).to
  return { from, to: Math.max(to, from), severity: d.severity, message: d.message, source: d.source }
}

export function createEditor(parent: HTMLElement, options: { code: string; language: EditorLanguage; label: string; placeholder: string; nonce: string }): CodeEditor {
  const language = new Compartment()
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.code,
      extensions: [
        lineNumbers(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        highlightActiveLine(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        lintGutter(),
        language.of(languageSupport(options.language)),
        placeholder(options.placeholder),
        // CodeMirror's theme goes into a <style> element: the page's CSP admits it by this response's nonce.
        EditorView.cspNonce.of(options.nonce),
        EditorView.contentAttributes.of({ 'aria-label': options.label }),
      ],
    }),
  })
  return {
    view,
    code: () => view.state.doc.toString(),
    setCode(code) {
      // Only the part that differs changes: the other lines keep their underlines, and undo restores just that part.
      const old = view.state.doc.toString()
      let head = 0
      while (head < old.length && head < code.length && old[head] === code[head]) head++
      let tail = 0
      while (tail < old.length - head && tail < code.length - head && old[old.length - 1 - tail] === code[code.length - 1 - tail]) tail++
      view.dispatch({ changes: { from: head, to: old.length - tail, insert: code.slice(head, code.length - tail) } })
    },
    currentLine: () => view.state.doc.lineAt(view.state.selection.main.head).number,
    setLanguage(next) {
      view.dispatch({ effects: language.reconfigure(languageSupport(next)) })
    },
    showDiagnostics(diagnostics) {
      const doc = view.state.doc
      view.dispatch(setDiagnostics(view.state, diagnostics.map((d) => toLint(doc, d))))
    },
  }
}
