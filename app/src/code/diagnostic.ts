/** The shapes every part of code intelligence speaks: a diagnostic on the user's lines, and a placed patch. */

export type Severity = 'error' | 'warning' | 'info'

/** A finding on the user's file: 1-based lines and columns, end exclusive of nothing (it is where the span ends). */
export interface Diagnostic {
  line: number
  column: number
  endLine: number
  endColumn: number
  severity: Severity
  message: string
  /** `typescript` (the compiler), `hedera-api` (names checked against the API index), `rule:<name>` (a pitfall rule). */
  source: 'typescript' | 'hedera-api' | `rule:${string}`
  /** The rule's name, for `rule:` sources. */
  rule?: string
  /** The compiler's error number, for `typescript` sources. */
  code?: number
}

/** A change placed on the user's file, in the Playground's `appliedChanges` shape (1-based, inclusive). */
export interface AppliedChange {
  mode: 'add' | 'replace' | 'delete'
  code: string
  startLine: number
  endLine: number
}

/** A patch a check is certain of: the placed change plus what it fixes. */
export interface Patch extends AppliedChange {
  /** The rule (or `hedera-api`) that proposes it. */
  source: Diagnostic['source']
  /** One sentence: what the change does. */
  title: string
}
