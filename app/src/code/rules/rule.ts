/** What a pitfall rule is (typescript-eslint style: meta + check), and the runner that turns findings into diagnostics and patches. */
import ts from 'typescript'
import type { ApiNames } from '../../knowledge/api-names.js'
import type { ApiIndex } from '../../knowledge/api-index.js'
import type { Diagnostic, Patch, Severity } from '../diagnostic.js'
import { lineIndex, splitLines } from '../source-text.js'

export interface RuleMeta {
  name: string
  /** One sentence: what the rule finds. */
  description: string
  /** Why it matters on Hedera (shown in the offline review). */
  why: string
  /** Whether the rule can propose a patch (only where the fix is certain). */
  fixable: boolean
  /** The knowledge guide that explains the right way (its id in knowledge/guides). */
  guide?: string
}

/** A text edit inside the file; the runner widens it to whole lines for the Playground's patch shape. */
export interface Fix {
  start: number
  end: number
  text: string
  title: string
}

export interface Finding {
  start: number
  end: number
  severity: Severity
  message: string
  fix?: Fix
}

export interface RuleContext {
  source: ts.SourceFile
  names: ApiNames
  index: ApiIndex
}

export interface Rule {
  meta: RuleMeta
  check(context: RuleContext): Finding[]
}

export interface RuleResults {
  diagnostics: Diagnostic[]
  patches: Patch[]
}

/** Parses the code once (TS or JS) for the rules. */
export function parse(code: string, js: boolean): ts.SourceFile {
  return ts.createSourceFile(js ? 'main.js' : 'main.ts', code, ts.ScriptTarget.ES2022, true, js ? ts.ScriptKind.JS : ts.ScriptKind.TS)
}

/** Runs the rules; a rule that throws is skipped (a bug in one rule must not hide the others' findings). */
export function runRules(rules: readonly Rule[], context: RuleContext): RuleResults {
  const text = context.source.text
  const lines = lineIndex(text)
  const diagnostics: Diagnostic[] = []
  const patches: Patch[] = []
  const patchedLines = new Set<number>()
  for (const rule of rules) {
    let findings: Finding[]
    try {
      findings = rule.check(context)
    } catch {
      continue
    }
    for (const finding of findings) {
      const start = lines.position(finding.start)
      const end = lines.position(finding.end)
      const source = `rule:${rule.meta.name}` as const
      diagnostics.push({ line: start.line, column: start.column, endLine: end.line, endColumn: end.column, severity: finding.severity, message: finding.message, source, rule: rule.meta.name })
      if (!finding.fix) continue
      const patch = toPatch(text, finding.fix, source)
      // Two fixes on one line would undo each other when applied one after the other: keep the first.
      const covered = range(patch.startLine, patch.endLine)
      if (covered.some((l) => patchedLines.has(l))) continue
      for (const l of covered) patchedLines.add(l)
      patches.push(patch)
    }
  }
  return { diagnostics, patches }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}

/** A text edit -> a `replace` of the whole lines it touches (the Playground applies line ranges). */
export function toPatch(text: string, fix: Fix, source: Patch['source']): Patch {
  const lines = lineIndex(text)
  const startLine = lines.position(fix.start).line
  const endLine = lines.position(fix.end).line
  const from = lines.lineStart(startLine)
  const all = splitLines(text)
  const lastLineEnd = lines.lineStart(endLine) + (all[endLine - 1]?.length ?? 0)
  const code = text.slice(from, fix.start) + fix.text + text.slice(fix.end, lastLineEnd)
  return { mode: 'replace', code: code.replace(/\r$/, ''), startLine, endLine, source, title: fix.title }
}
